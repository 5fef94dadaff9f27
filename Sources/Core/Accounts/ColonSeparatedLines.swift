/// The lines of a file of colon-separated fields (`/etc/passwd`, `/etc/subuid`, ...), and the
/// fields of each. A plain ASCII text without carriage returns (nearly every such file) is cut
/// on its bytes: the same lines and fields as cutting characters, for a fifth of the work.
/// Anything else is cut by characters.
public struct ColonSeparatedLines: Sendable {
  /// Every line, without newlines; an empty line stays (line numbers count it).
  public let lines: [String]
  /// Whether the last line ends with a newline (true for an empty text).
  public let endsWithNewline: Bool
  /// Whether the text is cut on bytes.
  private let plain: Bool

  /// The lines of `text`, decoded from `bytes`.
  public init(_ text: String, bytes: [UInt8]) {
    plain = bytes.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "\r") }
    var lines =
      plain
      ? text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
        String(Substring($0))
      }
      : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    endsWithNewline = lines.last == ""
    if endsWithNewline { lines.removeLast() }
    self.lines = lines
  }

  /// The colon-separated fields of `line` (one of `lines`), empty ones included.
  public func fields(of line: String) -> [Substring] {
    guard plain else { return line.split(separator: ":", omittingEmptySubsequences: false) }
    // Cut at each colon's byte into an array made at the size of a passwd line (a split
    // grew its array three times and made each field twice).
    var fields: [Substring] = []
    fields.reserveCapacity(8)
    let utf8 = line.utf8
    var start = utf8.startIndex
    while let colon = utf8[start...].firstIndex(of: UInt8(ascii: ":")) {
      fields.append(line[start..<colon])
      start = utf8.index(after: colon)
    }
    fields.append(line[start...])
    return fields
  }
}
