import Yams

/// Loads one YAML file into `YAMLNode`s safely: valid UTF-8 only, one document, no duplicate
/// keys, bounded aliases and node count (no billion laughs), every node with its position.
public enum YAMLLoader {
  /// At most this many alias references (`*name`) in one file.
  public static let aliasLimit = 32
  /// At most this many nodes after aliases are expanded.
  public static let nodeLimit = 100_000

  /// Parses `bytes` of `file`; nil (with diagnostics) when it is not acceptable YAML.
  public static func load(
    _ bytes: [UInt8], file: String, diagnostics: inout Diagnostics
  ) -> YAMLNode? {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      let line = bytes.prefix(while: { _ in true }).invalidUTF8Line()
      diagnostics.error("file is not valid UTF-8", at: SourcePosition(file: file, line: line), code: "invalid-utf8")
      return nil
    }
    if let alias = aliasOverflow(in: text) {
      diagnostics.error(
        "too many YAML aliases (more than \(aliasLimit)); aliases are bounded to prevent expansion bombs",
        at: SourcePosition(file: file, line: alias.line, column: alias.column), code: "yaml-alias-limit")
      return nil
    }
    let root: Node?
    do {
      // The basic resolver reads every plain scalar as text (the loader decides types
      // itself, see MappingReader); the default one ran its regular expressions on every
      // scalar again each time Yams hashed a key for its duplicate check, which made YAML
      // the largest cost of loading. Keys now count as duplicates when their text is the
      // same (`1` and `'1'` too), as MappingReader reads them. UTF-8 is given, not looked up.
      root = try Yams.compose(yaml: text, .basic, .default, .utf8)
    } catch let error as YamlError {
      diagnostics.append(diagnostic(for: error, file: file))
      return nil
    } catch {
      diagnostics.error("cannot parse YAML: \(error)", at: SourcePosition(file: file), code: "yaml-syntax")
      return nil
    }
    guard let root else {
      return YAMLNode(.mapping([]), at: SourcePosition(file: file, line: 1, column: 1))
    }
    var budget = nodeLimit
    guard let node = convert(root, file: file, budget: &budget) else {
      diagnostics.error(
        "document expands to more than \(nodeLimit) nodes", at: SourcePosition(file: file, line: 1),
        code: "yaml-node-limit")
      return nil
    }
    return node
  }

  private static func convert(_ node: Node, file: String, budget: inout Int) -> YAMLNode? {
    budget -= 1
    guard budget >= 0 else { return nil }
    let position = SourcePosition(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    switch node {
    case .scalar(let scalar):
      let quoted =
        scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        || scalar.style == .literal || scalar.style == .folded
      return YAMLNode(.scalar(scalar.string, quoted: quoted), at: position)
    case .sequence(let sequence):
      var items: [YAMLNode] = []
      for item in sequence {
        guard let converted = convert(item, file: file, budget: &budget) else { return nil }
        items.append(converted)
      }
      return YAMLNode(.sequence(items), at: position)
    case .mapping(let mapping):
      var pairs: [(key: YAMLNode, value: YAMLNode)] = []
      for (key, value) in mapping {
        guard let k = convert(key, file: file, budget: &budget),
          let v = convert(value, file: file, budget: &budget)
        else { return nil }
        pairs.append((k, v))
      }
      return YAMLNode(.mapping(pairs), at: position)
    case .alias:
      return YAMLNode(.scalar("", quoted: false), at: position)
    }
  }

  private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
    switch error {
    case .duplicatedKeysInMapping(let duplicates, let context):
      return .error(
        "duplicate key '\(duplicates.joined(separator: "', '"))' in a mapping",
        at: SourcePosition(file: file, line: context.mark.line, column: context.mark.column),
        code: "duplicate-key")
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _):
      let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
      return .error(
        "YAML syntax: \(what)", at: SourcePosition(file: file, line: mark.line, column: mark.column),
        code: "yaml-syntax")
    case .composer(let context, let problem, let mark, _):
      let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
      return .error(
        "YAML: \(what)", at: SourcePosition(file: file, line: mark.line, column: mark.column),
        code: "yaml-syntax")
    default:
      return .error("YAML: \(error)", at: SourcePosition(file: file), code: "yaml-syntax")
    }
  }

  /// The position of the first alias beyond `aliasLimit`, found by a conservative scan
  /// (outside quotes and comments, a `*` that starts a token), or nil.
  static func aliasOverflow(in text: String) -> (line: Int, column: Int)? {
    guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
    var count = 0
    var line = 1
    var column = 0
    var quote: Character?
    var comment = false
    var previous: Character = "\n"
    for c in text {
      column += 1
      if c == "\n" {
        line += 1
        column = 0
        comment = false
        if quote == "'" || quote == "\"" { /* multi-line quoted scalar continues */  }
        previous = c
        continue
      }
      if comment {
        previous = c
        continue
      }
      if let q = quote {
        if c == q && previous != "\\" { quote = nil }
      } else if c == "#" && (previous == " " || previous == "\n" || previous == "\t") {
        comment = true
      } else if (c == "'" || c == "\"") && " \n\t[{,:-".contains(previous) {
        quote = c
      } else if c == "*" && " \n\t[{,:-".contains(previous) {
        count += 1
        if count > aliasLimit { return (line, column) }
      }
      previous = c
    }
    return nil
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
