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

  /// The assignments in file order, made as they are read. A parsed file is kept as three
  /// arrays (its section names, keys and values in one run of bytes, a fixed-size record
  /// per assignment, its file names) rather than strings per assignment: a large host holds
  /// thousands of parsed files, and as strings they were 8 MB and 100,000 objects at 5,000
  /// units, each copied, retained and freed one by one.
  public struct Assignments: RandomAccessCollection, Sendable {
    fileprivate let file: UnitFile
    public var startIndex: Int { 0 }
    public var endIndex: Int { file.records.count }
    public subscript(position: Int) -> Assignment { file.assignment(at: position) }
  }

  /// Every assignment in file order.
  public var assignments: Assignments { Assignments(file: self) }

  /// Section names, keys and values, one after another.
  private var bytes: [UInt8] = []
  /// One per assignment, in file order.
  private var records: [Record] = []
  /// The files assignments come from: one for a parsed file, more for a merged view.
  private var files: [String] = []

  /// Where a piece of text is in `bytes`.
  private struct Span: Sendable, Hashable {
    var start: UInt32
    var count: UInt32
    var range: Range<Int> { Int(start)..<Int(start) + Int(count) }
  }

  /// One assignment: its parts in `bytes`, its line, its file in `files`.
  private struct Record: Sendable, Hashable {
    var section: Span
    var key: Span
    var value: Span
    var storedLine: Int32
    var storedFile: UInt32
    var line: Int { Int(storedLine) }
    var file: Int { Int(storedFile) }

    init(section: Span, key: Span, value: Span, line: Int, file: Int) {
      self.section = section
      self.key = key
      self.value = value
      storedLine = Int32(clamping: line)
      storedFile = UInt32(file)
    }
  }

  public init(assignments: [Assignment] = []) {
    var fileIndex: [String: Int] = [:]
    for assignment in assignments {
      let file: Int
      if let known = fileIndex[assignment.file] {
        file = known
      } else {
        file = files.count
        files.append(assignment.file)
        fileIndex[assignment.file] = file
      }
      records.append(
        Record(
          section: store(assignment.section.utf8), key: store(assignment.key.utf8),
          value: store(assignment.value.utf8), line: assignment.line, file: file))
    }
  }

  /// Appends `text` to `bytes`; where it is.
  private mutating func store(_ text: some Collection<UInt8>) -> Span {
    let start = UInt32(bytes.count)
    bytes.append(contentsOf: text)
    return Span(start: start, count: UInt32(text.count))
  }

  private func string(_ span: Span) -> String {
    String(decoding: bytes[span.range], as: UTF8.self)
  }

  /// Whether the text at `span` is `text`.
  private func equals(_ span: Span, _ text: String) -> Bool {
    text.utf8.count == Int(span.count) && text.utf8.elementsEqual(bytes[span.range])
  }

  private func assignment(at index: Int) -> Assignment {
    let record = records[index]
    return Assignment(
      section: string(record.section), key: string(record.key), value: string(record.value),
      line: record.line, file: files[record.file])
  }

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
    var result = UnitFile()
    result.files = [file]
    var section: Span?
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
        section = result.store(name)
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
    // Appending doubled the buffers; copies hold exactly what was read (thousands of parsed
    // unit files are kept while a large host is loaded).
    result.records = fitted(result.records)
    result.bytes = fitted(result.bytes)
    return .success(result)

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
      result.records.append(
        Record(
          section: section!, key: result.store(key), value: result.store(value), line: line,
          file: 0))
      return nil
    }
  }

  /// `array`, copied to a buffer of its size when it has much room to spare.
  private static func fitted<Element>(_ array: [Element]) -> [Element] {
    guard array.capacity > array.count + 16 / MemoryLayout<Element>.stride + 1 else { return array }
    return Array(unsafeUninitializedCapacity: array.count) { buffer, count in
      count = buffer.initialize(fromContentsOf: array)
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
    var result = base
    result.bytes.reserveCapacity(dropIns.reduce(base.bytes.count) { $0 + $1.bytes.count })
    result.records.reserveCapacity(dropIns.reduce(base.records.count) { $0 + $1.records.count })
    for dropIn in dropIns {
      let offset = UInt32(result.bytes.count)
      let fileOffset = result.files.count
      result.bytes += dropIn.bytes
      result.files += dropIn.files
      for var record in dropIn.records {
        record.section.start += offset
        record.key.start += offset
        record.value.start += offset
        record.storedFile += UInt32(fileOffset)
        result.records.append(record)
      }
    }
    return result
  }

  /// The file without the assignments of `sections`, holding only the text it keeps.
  public func removing(sections: Set<String>) -> UnitFile {
    var result = UnitFile()
    result.files = files
    for var record in records where !sections.contains(where: { equals(record.section, $0) }) {
      record.section = result.store(bytes[record.section.range])
      record.key = result.store(bytes[record.key.range])
      record.value = result.store(bytes[record.value.range])
      result.records.append(record)
    }
    if result.records.isEmpty { return UnitFile() }
    result.records = Self.fitted(result.records)
    result.bytes = Self.fitted(result.bytes)
    return result
  }

  /// All values of `key` in `section`, with an empty assignment resetting the list.
  public func values(_ section: String, _ key: String) -> [String] {
    var result: [String] = []
    for record in records where sets(record, section, key) {
      if record.value.count == 0 { result.removeAll() } else { result.append(string(record.value)) }
    }
    return result
  }

  /// The last value of a single-value setting, or nil when unset (or reset to empty).
  public func value(_ section: String, _ key: String) -> String? {
    lastIndex(section, key).flatMap {
      records[$0].value.count == 0 ? nil : string(records[$0].value)
    }
  }

  /// The assignment that sets `key` last, for positions.
  public func lastAssignment(_ section: String, _ key: String) -> Assignment? {
    lastIndex(section, key).map(assignment(at:))
  }

  /// The assignments of any of `keys`, in any section, in file order. Only those are made:
  /// walking `assignments` makes three strings for every line of the file.
  public func assignments(ofKeys keys: [String]) -> [Assignment] {
    records.indices.filter { index in keys.contains { equals(records[index].key, $0) } }
      .map(assignment(at:))
  }

  /// Whether `record` assigns `key` in `section`.
  private func sets(_ record: Record, _ section: String, _ key: String) -> Bool {
    equals(record.key, key) && equals(record.section, section)
  }

  /// The last record that assigns `key` in `section`.
  private func lastIndex(_ section: String, _ key: String) -> Int? {
    records.lastIndex { sets($0, section, key) }
  }

  /// Whether `section` has any assignment.
  public func hasSection(_ section: String) -> Bool {
    records.contains { equals($0.section, section) }
  }

  /// Space-separated words of every value of a list setting (e.g. `WantedBy=`), cut at each
  /// space or tab byte as systemd cuts them (cutting characters cost 2,000 instructions a
  /// value, for every activation of every unit).
  public func words(_ section: String, _ key: String) -> [String] {
    var words: [String] = []
    for var value in values(section, key) {
      value.withUTF8 { bytes in
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == 0x20 || bytes[end] == 0x09 {
          if end > start {
            words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
          }
          start = end + 1
        }
      }
    }
    return words
  }

  // Equal when the assignments are, however the bytes are laid out.
  public static func == (lhs: UnitFile, rhs: UnitFile) -> Bool {
    guard lhs.records.count == rhs.records.count else { return false }
    for (a, b) in zip(lhs.records, rhs.records) {
      guard a.line == b.line, lhs.files[a.file] == rhs.files[b.file],
        lhs.bytes[a.section.range].elementsEqual(rhs.bytes[b.section.range]),
        lhs.bytes[a.key.range].elementsEqual(rhs.bytes[b.key.range]),
        lhs.bytes[a.value.range].elementsEqual(rhs.bytes[b.value.range])
      else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(records.count)
    for record in records {
      hasher.combine(record.line)
      hasher.combine(files[record.file])
      for span in [record.section, record.key, record.value] {
        hasher.combine(span.count)
        bytes[span.range].withUnsafeBytes { hasher.combine(bytes: $0) }
      }
    }
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
