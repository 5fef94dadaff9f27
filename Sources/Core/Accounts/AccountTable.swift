/// A parsed account file: its entries with their line numbers, the problems found, and (for
/// files without secrets) the exact text, so nothing the parser did not understand is lost.
public struct AccountTable<Entry: AccountEntry>: Sendable {
  /// One parsed line.
  public struct Record: Sendable, Hashable {
    /// The 1-based line number.
    public var line: Int
    /// What the line says.
    public var entry: Entry
  }

  /// Whether the file exists. A missing file reads as an empty table.
  public let exists: Bool
  /// Every line that parsed, in file order.
  public let records: [Record]
  /// Malformed lines, duplicate names and undecodable text, each with file and line.
  public let problems: [Diagnostic]
  /// The text of every line, without newlines; `nil` for files holding secrets.
  public let lines: [String]?
  /// Whether the last line ends with a newline (true for an empty file).
  public let endsWithNewline: Bool

  /// The entries, in file order.
  public var entries: [Entry] { records.map(\.entry) }

  /// Each name's first record, for lookups after the first.
  private let index = AccountNameIndex()

  /// The first entry called `name`. The first lookup searches the records; later ones use an
  /// index made then: a plugin looking up each of its users searched all 5,000 accounts for
  /// each of 200 containers.
  public func entry(named name: String) -> Entry? {
    index.position(of: name, in: records).map { records[$0].entry }
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
      exists: false, records: [], problems: [], lines: Entry.isSecret ? nil : [],
      endsWithNewline: true)
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
    // An ASCII file without carriage returns (nearly every one) is cut on its bytes: the same
    // lines and fields as cutting characters, for a fifth of the work. Anything else is cut
    // by characters, as before.
    let plain = bytes.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "\r") }
    var lines =
      plain
      ? decoded.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
        String(Substring($0))
      }
      : decoded.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let endsWithNewline = lines.last == ""
    if endsWithNewline { lines.removeLast() }

    var records: [Record] = []
    var firstLine: [String: Int] = [:]
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let number = index + 1
      let fields =
        plain
        ? line.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map {
          Substring($0)
        }
        : line.split(separator: ":", omittingEmptySubsequences: false)
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
        if let first = firstLine[entry.name] {
          problems.append(
            .error(
              "'\(entry.name)' is listed again; its first line is \(first)",
              at: SourcePosition(file: file, line: number, column: 1),
              code: "duplicate-account-name"))
          continue
        }
        firstLine[entry.name] = number
        records.append(Record(line: number, entry: entry))
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
      exists: true, records: records, problems: problems,
      lines: Entry.isSecret ? nil : lines, endsWithNewline: endsWithNewline)
  }
}
