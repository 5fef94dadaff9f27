/// The addresses of each plugin's entries among those set in a ledger since it was read
/// (`Ledger`'s changes; the entries read are indexed by their `LedgerTable`), sorted, made
/// once for those entries.
///
/// Plugins ask for their addresses a dozen times a run; after a first apply every entry is a
/// change. A `Ledger` replaces this index whenever its changes change, so an index only ever
/// describes the entries it was first asked about. It keeps the entries' positions in the
/// dictionary, not parsed addresses, which would be a second copy of most of them; grouped by
/// kind, so that a plugin asking for one kind has only those parsed.
final class LedgerAddressIndex: Sendable {
  typealias Entries = [String: Ledger.Entry]
  /// Per plugin, its kinds in order, each with the positions of its entries in the table,
  /// in the order of their names. A position is valid for the table the index was made from,
  /// which a ledger never changes without replacing its index.
  private typealias Kinds = [(kind: String, positions: [Entries.Index])]
  private let byPlugin = Locked<[String: Kinds]?>(nil)

  /// `plugin`'s addresses among `entries` (the entries of the ledger holding this index),
  /// of every kind or of `kind`.
  func addresses(of plugin: String, kind: String? = nil, in entries: Entries) -> [Address] {
    positions(of: plugin, kind: kind, in: entries).map { Address(stringLiteral: entries[$0].key) }
  }

  /// `plugin`'s entries with their addresses, of every kind or of `kind`, read at their
  /// positions: no key is hashed or compared again.
  func entries(of plugin: String, kind: String? = nil, in entries: Entries) -> [(address: Address, entry: Ledger.Entry)]
  {
    positions(of: plugin, kind: kind, in: entries).map {
      let (key, entry) = entries[$0]
      return (Address(stringLiteral: key), entry)
    }
  }

  private func positions(of plugin: String, kind: String?, in entries: Entries) -> [Entries.Index] {
    byPlugin.update { index in
      if index == nil { index = Self.build(entries) }
      let kinds = index?[plugin] ?? []
      guard let kind else { return kinds.flatMap(\.positions) }
      return kinds.first { $0.kind == kind }?.positions ?? []
    }
  }

  private static func build(_ entries: Entries) -> [String: Kinds] {
    var byPlugin: [String: [(address: Address, position: Entries.Index)]] = [:]
    for position in entries.indices {
      let (key, entry) = entries[position]
      byPlugin[entry.plugin, default: []].append((Address(stringLiteral: key), position))
    }
    return byPlugin.mapValues { addresses in
      var kinds: Kinds = []
      for (address, position) in addresses.sorted(by: { $0.address < $1.address }) {
        if kinds.last?.kind != address.kind { kinds.append((address.kind, [])) }
        kinds[kinds.count - 1].positions.append(position)
      }
      return kinds
    }
  }
}
