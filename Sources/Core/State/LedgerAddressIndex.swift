/// The addresses of each plugin's ledger entries, sorted, made once for a ledger's entries.
///
/// Plugins ask for their addresses a dozen times a run; each answer was a pass over every
/// entry (copying it) and a sort: at 5,000 users, 7 % of a plan and growing faster than the
/// ledger. A `Ledger` replaces its index whenever its entries change, so an index only ever
/// describes the entries it was first asked about.
final class LedgerAddressIndex: Sendable {
  private let byPlugin = Locked<[String: [Address]]?>(nil)

  /// `plugin`'s addresses among `entries` (the entries of the ledger holding this index).
  func addresses(of plugin: String, in entries: [String: Ledger.Entry]) -> [Address] {
    byPlugin.update { index in
      if let index { return index[plugin] ?? [] }
      var built: [String: [Address]] = [:]
      for (key, entry) in entries { built[entry.plugin, default: []].append(Address(stringLiteral: key)) }
      for plugin in built.keys { built[plugin]!.sort() }
      index = built
      return built[plugin] ?? []
    }
  }
}
