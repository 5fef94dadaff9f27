import CYAML

/// libyaml's event parser over one buffer of UTF-8: the events of the stream one at a time,
/// each with where it starts. Tags and styles other than quoting are not kept: the loader
/// types nothing implicitly, so `!!int 5` is the text `5` like `5`.
///
/// Use it only inside `reading(_:_:)`: libyaml reads the caller's buffer in place.
final class YAMLEventParser {
  /// One event of a YAML stream.
  enum Event {
    case streamStart
    case streamEnd
    case documentStart
    case documentEnd
    case alias(anchor: String)
    /// A scalar's text, whether it was quoted (single, double, literal `|` or folded `>`),
    /// and its anchor.
    case scalar(String, quoted: Bool, anchor: String?)
    case sequenceStart(anchor: String?)
    case sequenceEnd
    case mappingStart(anchor: String?)
    case mappingEnd
  }

  private let parser: UnsafeMutablePointer<yaml_parser_t>
  private let input: UnsafeBufferPointer<UInt8>

  /// Runs `body` with a parser over `bytes`.
  static func reading<Result>(
    _ bytes: [UInt8], _ body: (YAMLEventParser) throws(YAMLLoadError) -> Result
  ) throws(YAMLLoadError) -> Result {
    // libyaml wants an address even for no input.
    let storage = bytes.isEmpty ? [0] : bytes
    return try storage.withUnsafeBufferPointer { (buffer) throws(YAMLLoadError) -> Result in
      try body(YAMLEventParser(UnsafeBufferPointer(rebasing: buffer.prefix(bytes.count))))
    }
  }

  private init(_ input: UnsafeBufferPointer<UInt8>) {
    self.input = input
    parser = .allocate(capacity: 1)
    // Fails only when libyaml cannot allocate its buffers: a process that cannot allocate
    // a few kilobytes cannot go on.
    precondition(yaml_parser_initialize(parser) == 1, "libyaml could not allocate a parser")
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, input.baseAddress, input.count)
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
  }

  /// The next event and the line and column (1-based) where it starts.
  func next() throws(YAMLLoadError) -> (event: Event, line: Int, column: Int) {
    var raw = yaml_event_t()
    guard yaml_parser_parse(parser, &raw) == 1 else { throw failure() }
    defer { yaml_event_delete(&raw) }
    let line = Int(raw.start_mark.line) + 1
    let column = Int(raw.start_mark.column) + 1
    let event: Event
    switch raw.type {
    case YAML_STREAM_START_EVENT: event = .streamStart
    case YAML_STREAM_END_EVENT: event = .streamEnd
    case YAML_DOCUMENT_START_EVENT: event = .documentStart
    case YAML_DOCUMENT_END_EVENT: event = .documentEnd
    case YAML_ALIAS_EVENT: event = .alias(anchor: Self.text(raw.data.alias.anchor) ?? "")
    case YAML_SCALAR_EVENT:
      let scalar = raw.data.scalar
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
      event = .scalar(text, quoted: scalar.style != YAML_PLAIN_SCALAR_STYLE, anchor: Self.text(scalar.anchor))
    case YAML_SEQUENCE_START_EVENT: event = .sequenceStart(anchor: Self.text(raw.data.sequence_start.anchor))
    case YAML_SEQUENCE_END_EVENT: event = .sequenceEnd
    case YAML_MAPPING_START_EVENT: event = .mappingStart(anchor: Self.text(raw.data.mapping_start.anchor))
    case YAML_MAPPING_END_EVENT: event = .mappingEnd
    default: throw YAMLLoadError("YAML: unexpected parser event", line: line, column: column)
    }
    return (event, line, column)
  }

  private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: UnsafePointer($0)) }
  }

  /// The parser's error as the loader reports it: where libyaml found the problem, and what
  /// it was doing.
  private func failure() -> YAMLLoadError {
    let state = parser.pointee
    let problem = Self.cText(state.problem) ?? "unknown problem"
    switch state.error {
    case YAML_MEMORY_ERROR:
      return YAMLLoadError("YAML: out of memory", line: 1, column: 1)
    case YAML_READER_ERROR:
      let (line, column) = position(ofByte: state.problem_offset)
      let value = state.problem_value >= 0 ? " (U+\(Self.hex(state.problem_value)))" : ""
      return YAMLLoadError("YAML: \(problem)\(value)", line: line, column: column)
    default:
      let what = [Self.cText(state.context), problem].compactMap { $0 }.filter { !$0.isEmpty }
      return YAMLLoadError(
        "YAML syntax: \(what.joined(separator: " "))", line: Int(state.problem_mark.line) + 1,
        column: Int(state.problem_mark.column) + 1)
    }
  }

  /// `value` as at least four upper-case hexadecimal digits, as Unicode writes code points.
  private static func hex(_ value: Int32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  private static func cText(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  /// The 1-based line and column (in characters, as libyaml counts) of byte `offset`.
  private func position(ofByte offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    for byte in input.prefix(offset) {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }
}
