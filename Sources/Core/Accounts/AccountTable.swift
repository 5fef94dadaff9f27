/// A parsed account file: its entries, the problems found, and (for files without secrets)
/// the exact text, so nothing the parser did not understand is lost.
public struct AccountTable<Entry: AccountEntry>: Sendable {
  /// Whether the file exists. A missing file reads as an empty table.
  public let exists: Bool
  /// Every line that parsed, in file order; no name twice (a repeated name is a problem).
  public let entries: [Entry]
  /// The 1-based line of each entry.
  public let lineNumbers: [Int]
  /// Malformed lines, duplicate names and undecodable text, each with file and line.
  public let problems: [Diagnostic]
  /// The text of every line, without newlines; `nil` for files holding secrets.
  public let lines: [String]?
  /// Whether the last line ends with a newline (true for an empty file).
  public let endsWithNewline: Bool
  /// Each entry's position in `entries` by name, made while parsing (which needs it to find
  /// repeated names). A lookup reads no other entry: searching them, or the records they
  /// were kept in before, copied each one it passed.
  public let positions: [String: Int]

  /// The entry called `name`.
  public func entry(named name: String) -> Entry? {
    positions[name].map { entries[$0] }
  }

  /// The original text, byte for byte; `nil` for files holding secrets.
  public var text: String? {
    guard let lines else { return nil }
    if lines.isEmpty { return "" }
    return lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
  }

  /// An empty table for a file that does not exist.
  public static var missing: AccountTable {
    AccountTable(
      exists: false, entries: [], lineNumbers: [], problems: [], lines: Entry.isSecret ? nil : [],
      endsWithNewline: true, positions: [:])
  }

  /// Parses the bytes of `Entry.file`.
  ///
  /// Blank lines are skipped. Every other line that does not parse is reported (never
  /// dropped silently) with its line and the column of the offending field; messages about
  /// secret files quote nothing from the line but the field position.
  public static func parse(_ bytes: [UInt8]) -> AccountTable {
    let file = Entry.file
    var problems: [Diagnostic] = []
    let decoded: String
    if let valid = String(validating: bytes, as: UTF8.self) {
      decoded = valid
    } else {
      decoded = String(decoding: bytes, as: UTF8.self)
      problems.append(
        .error(
          "\(file) is not valid UTF-8", at: SourcePosition(file: file),
          code: "account-file-encoding"))
    }
    let text = ColonSeparatedLines(decoded, bytes: bytes)
    let lines = text.lines
    let endsWithNewline = text.endsWithNewline

    var entries: [Entry] = []
    var positions: [String: Int] = [:]
    var lineNumbers: [Int] = []
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let number = index + 1
      let fields = text.fields(of: line)
      guard fields.count == Entry.fieldCount else {
        problems.append(
          .error(
            "line has \(fields.count) field\(fields.count == 1 ? "" : "s") where \(file) has "
              + "\(Entry.fieldCount) (\(Entry.layout))",
            at: SourcePosition(file: file, line: number, column: 1), code: "malformed-account-line")
        )
        continue
      }
      do {
        let entry = try Entry(fields: fields)
        if let first = positions[entry.name] {
          problems.append(
            .error(
              "'\(entry.name)' is listed again; its first line is \(lineNumbers[first])",
              at: SourcePosition(file: file, line: number, column: 1),
              code: "duplicate-account-name"))
          continue
        }
        positions[entry.name] = entries.count
        entries.append(entry)
        lineNumbers.append(number)
      } catch {
        let column = fields[..<error.field].reduce(1) { $0 + $1.count + 1 }
        problems.append(
          .error(
            error.message,
            at: SourcePosition(file: file, line: number, column: column),
            code: "malformed-account-line"))
      }
    }
    return AccountTable(
      exists: true, entries: entries, lineNumbers: lineNumbers, problems: problems,
      lines: Entry.isSecret ? nil : lines, endsWithNewline: endsWithNewline, positions: positions)
  }
}
