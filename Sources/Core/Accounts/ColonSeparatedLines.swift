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
    plain
      ? line.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { Substring($0) }
      : line.split(separator: ":", omittingEmptySubsequences: false)
  }
}
