/// A test bed operation that failed: what was being done, and what the script said.
public struct TestBedError: Error, Sendable, CustomStringConvertible {
  /// What was being done, e.g. `booting test bed linger-3fa9c1`.
  public var doing: String
  /// The exit status of `scripts/testbed`, when it ran.
  public var status: Int32?
  /// What the script printed on standard error (for a failed boot: the bed's journal).
  public var detail: String

  /// An error with the script's output.
  public init(doing: String, output: TestBed.Output) {
    self.doing = doing
    self.status = output.status
    self.detail = output.stderr
  }

  /// An error with a detail of its own.
  public init(doing: String, detail: String) {
    self.doing = doing
    self.status = nil
    self.detail = detail
  }

  public var description: String {
    let how = status.map { "failed with status \($0)" } ?? "failed"
    let trimmed = detail.trimmingSuffix { $0.isWhitespace }
    return trimmed.isEmpty ? "while \(doing): \(how)" : "while \(doing): \(how):\n\(trimmed)"
  }
}

extension String {
  fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
    var end = endIndex
    while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
    return String(self[..<end])
  }
}
