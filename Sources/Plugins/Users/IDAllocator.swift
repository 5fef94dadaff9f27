import Core

/// Chooses UIDs (or GIDs) for new accounts at plan time, so the plan shows them and `useradd`
/// gets them with `-u`: never one in use, declared by another account, reserved, or that
/// reconcile ever gave to a different account (remembered in the ledger's memory). An account
/// that had an ID before gets it back when it is free. System accounts take the highest free
/// ID of the system range, as `useradd --system` does; login accounts the lowest of theirs.
///
/// What it needs is made on first use: a converged host asks for no ID, and at thousands of
/// accounts the sets and tables were a tenth of the users plugin's plan. Copies share it.
struct IDAllocator {
  private let state: State

  /// `used` lists the IDs taken on the host or by declarations; `memory` is the users
  /// plugin's memory, whose `uid:N` (or `gid:N`) entries are read.
  init(used: @escaping () -> [UInt32], memory: [String: String], prefix: String) {
    state = State(used: used, memory: memory, prefix: prefix)
  }

  /// Whether reconcile once gave `id` to an account other than `name`.
  func rememberedForOther(_ id: UInt32, than name: String) -> String? {
    guard let owner = state.remembered[id], owner != name else { return nil }
    return owner
  }

  /// An ID for `name` in `range`, preferring its old one, then `preferred`; nil when full.
  mutating func allocate(
    for name: String, in range: ClosedRange<UInt32>, system: Bool, preferred: UInt32? = nil,
    kind: AccountRules.Kind
  ) -> UInt32? {
    let state = state
    func free(_ id: UInt32) -> Bool {
      !state.isUsed(id) && rememberedForOther(id, than: name) == nil
        && AccountRules.reservedIDProblem(id, kind: kind) == nil
    }
    let own = state.rememberedByName[name]?.first {
      free($0) && range.contains($0)
    }
    let fromPreferred = preferred.flatMap { free($0) && range.contains($0) ? $0 : nil }
    let chosen =
      own ?? fromPreferred ?? state.firstFree(in: range, descending: system, where: free)
    if let chosen { state.markUsed(chosen) }
    return chosen
  }

  /// The sets and tables, each made when first asked for.
  private final class State {
    private let listUsed: () -> [UInt32]
    private let memory: [String: String]
    private let prefix: String

    init(used: @escaping () -> [UInt32], memory: [String: String], prefix: String) {
      listUsed = used
      self.memory = memory
      self.prefix = prefix
    }

    /// IDs taken on the host, by declarations, or given by this plan. Stored, not `lazy`: an
    /// insertion through a lazy property copied the set.
    private var used: Set<UInt32>?

    /// Makes `used` on first use.
    private func readUsed() {
      if used == nil { used = Set(listUsed()) }
    }

    func isUsed(_ id: UInt32) -> Bool {
      readUsed()
      return used!.contains(id)
    }

    func markUsed(_ id: UInt32) {
      readUsed()
      used!.insert(id)
    }

    /// One way of searching one range.
    private struct Search: Hashable {
      var range: ClosedRange<UInt32>
      var descending: Bool
    }

    /// Where each search starts: the IDs before it are used, and stay used for the rest of
    /// the plan. Without it, the n-th new account tested the n-1 IDs given before it,
    /// quadratic on a large first apply.
    private var cursors: [Search: Int64] = [:]

    /// The first ID of `range` (from the top when `descending`) for which `free` holds.
    func firstFree(
      in range: ClosedRange<UInt32>, descending: Bool, where free: (UInt32) -> Bool
    ) -> UInt32? {
      let bounds = (Int64(range.lowerBound), Int64(range.upperBound))
      let step: Int64 = descending ? -1 : 1
      let key = Search(range: range, descending: descending)
      var next = cursors[key] ?? (descending ? bounds.1 : bounds.0)
      while next >= bounds.0 && next <= bounds.1 && isUsed(UInt32(next)) { next += step }
      cursors[key] = next
      while next >= bounds.0 && next <= bounds.1 {
        if free(UInt32(next)) { return UInt32(next) }
        next += step
      }
      return nil
    }

    /// IDs reconcile gave out, to the account name.
    lazy var remembered: [UInt32: String] = {
      var remembered: [UInt32: String] = [:]
      for (key, name) in memory where key.hasPrefix(prefix + ":") {
        if let id = UInt32(key.dropFirst(prefix.count + 1)) { remembered[id] = name }
      }
      return remembered
    }()

    /// The same, by account name, sorted: asked once per new account.
    lazy var rememberedByName: [String: [UInt32]] = {
      var byName: [String: [UInt32]] = [:]
      for (id, name) in remembered { byName[name, default: []].append(id) }
      for name in byName.keys { byName[name]!.sort() }
      return byName
    }()
  }
}
