/// The addresses of each plugin's ledger entries, sorted, made once for a ledger's entries.
///
/// Plugins ask for their addresses a dozen times a run; each answer was a pass over every
/// entry (copying it) and a sort: at 5,000 users, 7 % of a plan and growing faster than the
/// ledger. A `Ledger` replaces its index whenever its entries change, so an index only ever
/// describes the entries it was first asked about. It keeps the entries' keys (their strings
/// are shared with the ledger's table), not parsed addresses, which would be a second copy
/// of most of them for the whole run.
final class LedgerAddressIndex: Sendable {
  private let byPlugin = Locked<[String: [String]]?>(nil)

  /// `plugin`'s addresses among `entries` (the entries of the ledger holding this index).
  func addresses(of plugin: String, in entries: [String: Ledger.Entry]) -> [Address] {
    byPlugin.update { index in
      if index == nil { index = Self.build(entries) }
      return (index![plugin] ?? []).map { Address(stringLiteral: $0) }
    }
  }

  /// Each plugin's keys, in the order of their addresses.
  private static func build(_ entries: [String: Ledger.Entry]) -> [String: [String]] {
    var byPlugin: [String: [(address: Address, key: String)]] = [:]
    for (key, entry) in entries {
      byPlugin[entry.plugin, default: []].append((Address(stringLiteral: key), key))
    }
    return byPlugin.mapValues { $0.sorted { $0.address < $1.address }.map(\.key) }
  }
}
