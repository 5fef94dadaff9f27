import Core

/// Chooses UIDs (or GIDs) for new accounts at plan time, so the plan shows them and `useradd`
/// gets them with `-u`: never one in use, declared by another account, reserved, or that
/// reconcile ever gave to a different account (remembered in the ledger's memory). An account
/// that had an ID before gets it back when it is free. System accounts take the highest free
/// ID of the system range, as `useradd --system` does; login accounts the lowest of theirs.
struct IDAllocator {
  /// IDs taken on the host or by declarations.
  var used: Set<UInt32>
  /// IDs reconcile gave out, to the account name.
  var remembered: [UInt32: String]
  /// The same, by account name, sorted: asked once per new account.
  private var rememberedByName: [String: [UInt32]] = [:]

  /// Reads `uid:N` (or `gid:N`) entries of the users plugin's memory.
  init(used: Set<UInt32>, memory: [String: String], prefix: String) {
    self.used = used
    var remembered: [UInt32: String] = [:]
    for (key, name) in memory where key.hasPrefix(prefix + ":") {
      if let id = UInt32(key.dropFirst(prefix.count + 1)) { remembered[id] = name }
    }
    self.remembered = remembered
    for (id, name) in remembered { rememberedByName[name, default: []].append(id) }
    for name in rememberedByName.keys { rememberedByName[name]!.sort() }
  }

  /// Whether reconcile once gave `id` to an account other than `name`.
  func rememberedForOther(_ id: UInt32, than name: String) -> String? {
    guard let owner = remembered[id], owner != name else { return nil }
    return owner
  }

  /// An ID for `name` in `range`, preferring its old one, then `preferred`; nil when full.
  mutating func allocate(
    for name: String, in range: ClosedRange<UInt32>, system: Bool, preferred: UInt32? = nil,
    kind: AccountRules.Kind
  ) -> UInt32? {
    func free(_ id: UInt32) -> Bool {
      !used.contains(id) && rememberedForOther(id, than: name) == nil
        && AccountRules.reservedIDProblem(id, kind: kind) == nil
    }
    let own = rememberedByName[name]?.first {
      free($0) && range.contains($0)
    }
    let fromPreferred = preferred.flatMap { free($0) && range.contains($0) ? $0 : nil }
    let chosen =
      own ?? fromPreferred
      ?? (system ? range.reversed().first(where: free) : range.first(where: free))
    if let chosen { used.insert(chosen) }
    return chosen
  }
}
