/// Tells why a resource needs a change, from three fingerprints: what the repository
/// declares now, what is on the host now, and what the ledger says was declared and left
/// on the host at the last apply.
public enum ChangeClassifier {
  /// The cause of the change a declared resource needs; nil when the host already matches.
  ///
  /// - Parameters:
  ///   - declared: fingerprint of the declaration now.
  ///   - desired: fingerprint of the host state the declaration asks for.
  ///   - observed: fingerprint of the host state now; nil when the resource is absent.
  ///   - entry: the ledger entry, nil when reconcile never managed the resource.
  public static func cause(
    declared: String, desired: String, observed: String?, entry: Ledger.Entry?
  ) -> Change.Cause? {
    if observed == desired { return nil }
    guard let entry else { return observed == nil ? .new : .adoption }
    // A creation a killed run began: absent, it is still new; present, it is finished.
    if entry.interrupted == true { return observed == nil ? .new : .changed }
    let repositoryChanged = entry.declared != declared
    let hostChanged = observed != entry.applied
    switch (repositoryChanged, hostChanged) {
    case (true, true): return .conflict
    case (false, true): return .drift
    default: return .changed
    }
  }

  /// The cause of creating a resource that is absent: `new` unless the ledger says reconcile
  /// had made it (then it was removed behind reconcile's back: drift). A creation a killed
  /// run only began is new.
  public static func absentCause(entry: Ledger.Entry?) -> Change.Cause {
    guard let entry, entry.interrupted != true else { return .new }
    return .drift
  }
}
