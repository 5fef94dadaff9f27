/// A parsed systemd unit file or drop-in: sections of `Key=Value` assignments, in order,
/// each with its line. The text itself stays verbatim; this is only a reading of it.
///
/// Syntax from systemd.syntax(7): `[Section]` headers, `#` and `;` comment lines, trailing
/// `\` continues a line, whitespace around keys and values is dropped. An empty value resets
/// a list setting; later assignments of a single-value setting win.
public struct UnitFile: Sendable, Hashable {
  /// One `Key=Value` line.
  public struct Assignment: Sendable, Hashable {
    public var section: String
    public var key: String
    public var value: String
    /// 1-based line of the assignment in its file.
    public var line: Int
    /// The file the assignment came from, for merged views.
    public var file: String
  }

  /// Every assignment in file order.
  public var assignments: [Assignment]

  public init(assignments: [Assignment] = []) { self.assignments = assignments }

  /// A syntax error at a line.
  public struct ParseError: Error, Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var message: String
  }

  /// Parses `text`, the contents of `file` (used only in positions).
  ///
  /// Works on the UTF-8 bytes (every character the syntax gives a meaning is ASCII, as for
  /// systemd): a walk over characters cost tens of thousands of instructions a line, which
  /// made parsing a fifth of a no-op run. A line ends at `\n`; a `\r` before it is dropped.
  public static func parse(_ text: String, file: String = "") -> Result<UnitFile, ParseError> {
    var assignments: [Assignment] = []
    var section: String?
    var pending: (text: [UInt8], line: Int)?
    var lineNumber = 0
    let bytes = Array(text.utf8)
    var next = 0
    while next <= bytes.count {
      let end = bytes[next...].firstIndex(of: newline) ?? bytes.count
      let line = bytes[next..<end]
      next = end + 1
      lineNumber += 1
      let trimmed = trimmed(line)
      if var continued = pending {
        if trimmed.first == hash || trimmed.first == semicolon { continue }
        continued.text.append(space)
        if trimmed.last == backslash {
          continued.text += trimmed.dropLast()
          pending = continued
          continue
        }
        continued.text += trimmed
        pending = nil
        if let error = add(continued.text[...], line: continued.line) { return .failure(error) }
        continue
      }
      if trimmed.isEmpty || trimmed.first == hash || trimmed.first == semicolon { continue }
      if trimmed.first == openBracket {
        guard trimmed.last == closeBracket, trimmed.count > 2 else {
          return .failure(
            ParseError(
              line: lineNumber, column: 1,
              message: "invalid section header '\(string(trimmed).debugEscaped)'"))
        }
        let name = trimmed.dropFirst().dropLast()
        guard name.allSatisfy({ isAlphanumeric($0) || $0 == dash }) else {
          return .failure(
            ParseError(
              line: lineNumber, column: 2,
              message: "invalid section name '\(string(name).debugEscaped)'"))
        }
        section = string(name)
        continue
      }
      guard section != nil else {
        return .failure(
          ParseError(line: lineNumber, column: 1, message: "assignment outside of any [Section]"))
      }
      if trimmed.last == backslash {
        pending = (Array(trimmed.dropLast()), lineNumber)
        continue
      }
      if let error = add(trimmed, line: lineNumber) { return .failure(error) }
    }
    if let pending, let error = add(pending.text[...], line: pending.line) {
      return .failure(error)
    }
    // Appending doubled the buffer; a copy holds exactly what was read (thousands of parsed
    // unit files are kept while a large host is loaded).
    if assignments.capacity > assignments.count + 4 {
      assignments = Array(unsafeUninitializedCapacity: assignments.count) { buffer, count in
        count = buffer.initialize(fromContentsOf: assignments)
      }
    }
    return .success(UnitFile(assignments: assignments))

    func add(_ text: ArraySlice<UInt8>, line: Int) -> ParseError? {
      guard let eq = text.firstIndex(of: equals) else {
        return ParseError(
          line: line, column: 1,
          message: "expected Key=Value, found '\(string(text).debugEscaped)'")
      }
      let key = trimmed(text[..<eq])
      guard !key.isEmpty,
        key.allSatisfy({ isAlphanumeric($0) || $0 == dash || $0 == underscore || $0 == dot })
      else {
        return ParseError(
          line: line, column: 1, message: "invalid key '\(string(key).debugEscaped)'")
      }
      let value = trimmed(text[(eq + 1)...])
      assignments.append(
        Assignment(
          section: section!, key: string(key), value: string(value), line: line, file: file))
      return nil
    }
  }

  private static let newline = UInt8(ascii: "\n")
  private static let space = UInt8(ascii: " ")
  private static let hash = UInt8(ascii: "#")
  private static let semicolon = UInt8(ascii: ";")
  private static let backslash = UInt8(ascii: "\\")
  private static let openBracket = UInt8(ascii: "[")
  private static let closeBracket = UInt8(ascii: "]")
  private static let equals = UInt8(ascii: "=")
  private static let dash = UInt8(ascii: "-")
  private static let underscore = UInt8(ascii: "_")
  private static let dot = UInt8(ascii: ".")

  /// `bytes` without leading and trailing spaces, tabs and carriage returns.
  private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let isBlank = { (byte: UInt8) in
      byte == space || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
    guard let first = bytes.firstIndex(where: { !isBlank($0) }) else {
      return bytes[bytes.endIndex...]
    }
    let last = bytes.lastIndex(where: { !isBlank($0) })!
    return bytes[first...last]
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private static func string(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// The file followed by its drop-ins in order: a merged view as systemd loads it.
  public static func merged(_ base: UnitFile, dropIns: [UnitFile]) -> UnitFile {
    UnitFile(assignments: base.assignments + dropIns.flatMap(\.assignments))
  }

  /// All values of `key` in `section`, with an empty assignment resetting the list.
  public func values(_ section: String, _ key: String) -> [String] {
    var result: [String] = []
    for a in assignments where a.section == section && a.key == key {
      if a.value.isEmpty { result.removeAll() } else { result.append(a.value) }
    }
    return result
  }

  /// The last value of a single-value setting, or nil when unset (or reset to empty).
  public func value(_ section: String, _ key: String) -> String? {
    assignments.last { $0.section == section && $0.key == key }.flatMap { $0.value.isEmpty ? nil : $0.value }
  }

  /// The assignment that sets `key` last, for positions.
  public func lastAssignment(_ section: String, _ key: String) -> Assignment? {
    assignments.last { $0.section == section && $0.key == key }
  }

  /// Whether `section` has any assignment.
  public func hasSection(_ section: String) -> Bool {
    assignments.contains { $0.section == section }
  }

  /// Space-separated words of every value of a list setting (e.g. `WantedBy=`).
  public func words(_ section: String, _ key: String) -> [String] {
    values(section, key).flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces and tabs.
  public func trimmingWhitespace() -> Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    let text = Substring(self)
    guard let start = text.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
    let end = text.lastIndex(where: { !isSpace($0) })!
    return text[start...end]
  }
}
