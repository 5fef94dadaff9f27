/// The positions of an account table's entries by name (the first of a name given twice),
/// made on the second lookup: one lookup in a freshly read file (most applies) costs a search,
/// not a table of every account.
final class AccountNameIndex: Sendable {
  private struct State {
    var lookups = 0
    var positions: [String: Int]?
  }

  private let state = Locked(State())

  /// The position in `records` of the first entry called `name`.
  func position<Entry: AccountEntry>(of name: String, in records: [AccountTable<Entry>.Record]) -> Int? {
    state.update { state in
      state.lookups += 1
      if state.lookups == 1 { return records.firstIndex { $0.entry.name == name } }
      if state.positions == nil {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(records.count)
        for (position, record) in records.enumerated() where positions[record.entry.name] == nil {
          positions[record.entry.name] = position
        }
        state.positions = positions
      }
      return state.positions?[name]
    }
  }
}
