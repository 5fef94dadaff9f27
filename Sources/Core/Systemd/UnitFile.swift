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
  public static func parse(_ text: String, file: String = "") -> Result<UnitFile, ParseError> {
    var assignments: [Assignment] = []
    var section: String?
    var pending: (text: String, line: Int)?
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      var line = Substring(rawLine)
      if line.hasSuffix("\r") { line = line.dropLast() }
      if var continued = pending {
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
        if trimmed.hasSuffix("\\") {
          continued.text += " " + trimmed.dropLast()
          pending = continued
          continue
        }
        continued.text += " " + trimmed
        pending = nil
        if let error = add(continued.text, line: continued.line) { return .failure(error) }
        continue
      }
      let trimmed = line.trimmingWhitespace()
      if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
      if trimmed.hasPrefix("[") {
        guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
          return .failure(ParseError(line: lineNumber, column: 1, message: "invalid section header '\(trimmed.debugEscaped)'"))
        }
        let name = trimmed.dropFirst().dropLast()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
          return .failure(ParseError(line: lineNumber, column: 2, message: "invalid section name '\(String(name).debugEscaped)'"))
        }
        section = String(name)
        continue
      }
      guard section != nil else {
        return .failure(ParseError(line: lineNumber, column: 1, message: "assignment outside of any [Section]"))
      }
      if trimmed.hasSuffix("\\") {
        pending = (String(trimmed.dropLast()), lineNumber)
        continue
      }
      if let error = add(String(trimmed), line: lineNumber) { return .failure(error) }
    }
    if let pending, let error = add(pending.text, line: pending.line) { return .failure(error) }
    return .success(UnitFile(assignments: assignments))

    func add(_ text: String, line: Int) -> ParseError? {
      guard let eq = text.firstIndex(of: "=") else {
        return ParseError(line: line, column: 1, message: "expected Key=Value, found '\(text.debugEscaped)'")
      }
      let key = text[..<eq].trimmingWhitespace()
      guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
        return ParseError(line: line, column: 1, message: "invalid key '\(String(key).debugEscaped)'")
      }
      let value = text[text.index(after: eq)...].trimmingWhitespace()
      assignments.append(Assignment(section: section!, key: String(key), value: String(value), line: line, file: file))
      return nil
    }
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
