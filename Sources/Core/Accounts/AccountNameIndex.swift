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
        // The names read in place: a `for` over the records copied each entry whole.
        records.withUnsafeBufferPointer { records in
          for position in records.indices where positions[records[position].entry.name] == nil {
            positions[records[position].entry.name] = position
          }
        }
        state.positions = positions
      }
      return state.positions?[name]
    }
  }
}
