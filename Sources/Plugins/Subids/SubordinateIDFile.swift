import Core

/// A parsed `/etc/subuid` or `/etc/subgid`: its ranges with their line numbers, the problems
/// found, and the exact text.
public struct SubordinateIDFile: Sendable {
  /// One parsed line.
  public struct Record: Sendable, Hashable {
    /// The 1-based line number.
    public var line: Int
    /// The range the line gives.
    public var range: SubordinateRange
  }

  /// The file, absolute within the host root: `/etc/subuid` or `/etc/subgid`.
  public let file: String
  /// Whether the file exists. A missing file reads as an empty one.
  public let exists: Bool
  /// Every line that parsed, in file order.
  public let records: [Record]
  /// Malformed lines, each with file and line; overlapping lines, as warnings.
  public let problems: [Diagnostic]
  /// The text of every line, without newlines.
  public let lines: [String]
  /// Whether the last line ends with a newline (true for an empty file).
  public let endsWithNewline: Bool

  /// The ranges, in file order.
  public var ranges: [SubordinateRange] { records.map(\.range) }

  /// The ranges of `owner`, in file order.
  public func ranges(of owner: String) -> [SubordinateRange] {
    ranges.filter { $0.owner == owner }
  }

  /// The original text, byte for byte.
  public var text: String {
    lines.isEmpty ? "" : lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
  }

  /// An empty file that does not exist.
  public static func missing(_ file: String) -> SubordinateIDFile {
    SubordinateIDFile(
      file: file, exists: false, records: [], problems: [], lines: [],
      endsWithNewline: true)
  }

  /// Parses the bytes of `file`. Blank lines are skipped; every other line that is not
  /// `OWNER:START:COUNT` with decimal numbers, a count of at least 1 and an end at most 2^32
  /// is reported with its line and column, never dropped silently.
  public static func parse(_ bytes: [UInt8], file: String) -> SubordinateIDFile {
    var problems: [Diagnostic] = []
    var lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    let endsWithNewline = lines.last == ""
    if endsWithNewline { lines.removeLast() }
    var records: [Record] = []
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let number = index + 1
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      func problem(_ message: String, field: Int) {
        let column = fields[..<min(field, fields.count)].reduce(1) { $0 + $1.count + 1 }
        problems.append(
          .error(
            message, at: SourcePosition(file: file, line: number, column: column),
            code: "malformed-subid-line"))
      }
      guard fields.count == 3 else {
        problem("line has \(fields.count) fields where \(file) has 3 (OWNER:START:COUNT)", field: 0)
        continue
      }
      guard !fields[0].isEmpty else {
        problem("the owner is empty", field: 0)
        continue
      }
      guard let start = decimal(fields[1]) else {
        problem("the start '\(fields[1])' is not a number from 0 to 4294967295", field: 1)
        continue
      }
      guard let count = decimal(fields[2]), count > 0 else {
        problem("the count '\(fields[2])' is not a number from 1 to 4294967295", field: 2)
        continue
      }
      let range = SubordinateRange(owner: String(fields[0]), start: start, count: count)
      guard range.ids != nil else {
        problem("the range \(start)+\(count) runs past 4294967295", field: 2)
        continue
      }
      if let other = records.first(where: { $0.range.overlaps(range) }) {
        problems.append(
          .warning(
            "\(range) overlaps \(other.range) on line \(other.line)",
            at: SourcePosition(file: file, line: number, column: 1), code: "overlapping-subids"))
      }
      records.append(Record(line: number, range: range))
    }
    return SubordinateIDFile(
      file: file, exists: true, records: records, problems: problems,
      lines: lines, endsWithNewline: endsWithNewline)
  }

  private static func decimal(_ text: Substring) -> UInt32? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return UInt32(text)
  }
}
