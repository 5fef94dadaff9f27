extension PluginPlan {
  /// Compares a resource reconcile writes whole (a file, a folder's mode and owner) with the
  /// host and its ledger entry, the first step of planning it: nil when the host already
  /// matches, after bringing the ledger entry up to date (`record`, given whether reconcile
  /// created the resource, e.g. after a killed run or a hand fix); the change's cause
  /// otherwise.
  ///
  /// - Parameters:
  ///   - fingerprint: what the repository declares, which is also what the host should show.
  ///   - observed: what the host shows now; nil when the resource is absent.
  ///   - record: the entry to keep once the host matches, given `created`.
  public mutating func cause(
    of address: Address, fingerprint: String, observed: String?, ledger: Ledger,
    record: (_ created: Bool) -> Ledger.Entry
  ) -> Change.Cause? {
    cause(of: address, fingerprint: fingerprint, observed: observed, entry: ledger[address], record: record)
  }

  /// As `cause(of:fingerprint:observed:ledger:record:)`, given the address's ledger entry
  /// the caller looked up already (a lookup makes the entry's strings).
  public mutating func cause(
    of address: Address, fingerprint: String, observed: String?, entry: Ledger.Entry?,
    record: (_ created: Bool) -> Ledger.Entry
  ) -> Change.Cause? {
    if let cause = ChangeClassifier.cause(
      declared: fingerprint, desired: fingerprint, observed: observed, entry: entry)
    {
      return cause
    }
    let current = record(entry?.created ?? false)
    if entry != current { ledgerUpdates[address] = current }
    return nil
  }
}
