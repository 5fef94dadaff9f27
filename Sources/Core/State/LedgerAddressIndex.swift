/// The addresses of each plugin's ledger entries, sorted, made once for a ledger's entries.
///
/// Plugins ask for their addresses a dozen times a run; each answer was a pass over every
/// entry (copying it) and a sort: at 5,000 users, 7 % of a plan and growing faster than the
/// ledger. A `Ledger` replaces its index whenever its entries change, so an index only ever
/// describes the entries it was first asked about. It keeps the entries' keys (their strings
/// are shared with the ledger's table), not parsed addresses, which would be a second copy
/// of most of them for the whole run; grouped by kind, so that a plugin asking for one kind
/// (the units plugin's enablements, say) has only those parsed.
final class LedgerAddressIndex: Sendable {
  /// Per plugin, its kinds in order, each with its keys in the order of their names.
  private typealias Kinds = [(kind: String, keys: [String])]
  private let byPlugin = Locked<[String: Kinds]?>(nil)

  /// `plugin`'s addresses among `entries` (the entries of the ledger holding this index),
  /// of every kind or of `kind`.
  func addresses(
    of plugin: String, kind: String? = nil, in entries: [String: Ledger.Entry]
  ) -> [Address] {
    byPlugin.update { index in
      if index == nil { index = Self.build(entries) }
      let kinds = index?[plugin] ?? []
      guard let kind else { return kinds.flatMap { $0.keys.map(Address.init(stringLiteral:)) } }
      return kinds.first { $0.kind == kind }?.keys.map(Address.init(stringLiteral:)) ?? []
    }
  }

  private static func build(_ entries: [String: Ledger.Entry]) -> [String: Kinds] {
    var byPlugin: [String: [(address: Address, key: String)]] = [:]
    for (key, entry) in entries {
      byPlugin[entry.plugin, default: []].append((Address(stringLiteral: key), key))
    }
    return byPlugin.mapValues { addresses in
      var kinds: Kinds = []
      for (address, key) in addresses.sorted(by: { $0.address < $1.address }) {
        if kinds.last?.kind != address.kind { kinds.append((address.kind, [])) }
        kinds[kinds.count - 1].keys.append(key)
      }
      return kinds
    }
  }
}
