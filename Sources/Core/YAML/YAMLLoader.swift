/// Loads one YAML file into `YAMLNode`s safely: valid UTF-8 only, one document, text keys
/// without duplicates, bounded aliases, node count (no billion laughs) and nesting, every node
/// with its position. libyaml parses (`YAMLEventParser`); `YAMLComposer` builds the nodes.
public enum YAMLLoader {
  /// At most this many alias references (`*name`) in one file.
  public static let aliasLimit = 32
  /// At most this many nodes after aliases are expanded.
  public static let nodeLimit = 100_000
  /// At most this many levels of nested sequences and mappings.
  public static let nestingLimit = 256

  /// Parses `bytes` of `file`; nil (with diagnostics) when it is not acceptable YAML.
  public static func load(
    _ bytes: [UInt8], file: String, diagnostics: inout Diagnostics
  ) -> YAMLNode? {
    guard String(validating: bytes, as: UTF8.self) != nil else {
      let line = bytes.invalidUTF8Line()
      diagnostics.error("file is not valid UTF-8", at: SourcePosition(file: file, line: line), code: "invalid-utf8")
      return nil
    }
    var composer = YAMLComposer(file: file)
    do {
      return try YAMLEventParser.reading(bytes) { (parser) throws(YAMLLoadError) in try composer.document(parser) }
    } catch {
      diagnostics.append(error.diagnostic(file: file))
      return nil
    }
  }
}

extension Collection where Element == UInt8 {
  /// The 1-based line of the first byte sequence that is not valid UTF-8.
  fileprivate func invalidUTF8Line() -> Int {
    var line = 1
    var start = startIndex
    while start != endIndex {
      let end = self[start...].firstIndex(of: UInt8(ascii: "\n")) ?? endIndex
      if String(validating: self[start..<end], as: UTF8.self) == nil { return line }
      line += 1
      start = end == endIndex ? end : index(after: end)
    }
    return line
  }
}
