/// Builds the `YAMLNode` tree of one document from libyaml's events, enforcing what makes
/// untrusted YAML safe to hold: one document, text keys without duplicates, a bounded number
/// of aliases, of nodes once aliases are expanded, and of nesting levels.
struct YAMLComposer {
  let file: String
  /// Each anchor's latest node and how many nodes it expands to (anchors may be redefined).
  private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
  private var aliases = 0
  private var budget = YAMLLoader.nodeLimit

  init(file: String) { self.file = file }

  /// The single document of the stream; an empty mapping when the stream has none.
  mutating func document(_ parser: YAMLEventParser) throws(YAMLLoadError) -> YAMLNode {
    _ = try parser.next()  // stream start
    let first = try parser.next()
    if case .streamEnd = first.event {
      return YAMLNode(.mapping([]), at: SourcePosition(file: file, line: 1, column: 1))
    }
    let root = try node(from: parser.next(), parser, depth: 0).node
    _ = try parser.next()  // document end
    let after = try parser.next()
    guard case .streamEnd = after.event else {
      throw YAMLLoadError(
        "YAML: expected a single document in the stream but found another document", line: after.line,
        column: after.column)
    }
    return root
  }

  /// The node that `start` begins, and how many nodes it expands to.
  private mutating func node(
    from start: (event: YAMLEventParser.Event, line: Int, column: Int), _ parser: YAMLEventParser, depth: Int
  ) throws(YAMLLoadError) -> (node: YAMLNode, size: Int) {
    let position = SourcePosition(file: file, line: start.line, column: start.column)
    let built: (node: YAMLNode, size: Int)
    let anchor: String?
    switch start.event {
    case .alias(let name):
      aliases += 1
      guard aliases <= YAMLLoader.aliasLimit else {
        throw YAMLLoadError(
          "too many YAML aliases (more than \(YAMLLoader.aliasLimit)); aliases are bounded to prevent expansion bombs",
          line: start.line, column: start.column, code: "yaml-alias-limit")
      }
      guard let anchored = anchors[name] else {
        throw YAMLLoadError("YAML: found undefined alias", line: start.line, column: start.column)
      }
      try spend(anchored.size)
      return anchored
    case .scalar(let text, let quoted, let name):
      try spend(1)
      built = (YAMLNode(.scalar(text, quoted: quoted), at: position), 1)
      anchor = name
    case .sequenceStart(let name):
      try spend(1)
      try checkDepth(depth, start)
      var items: [YAMLNode] = []
      var size = 1
      while true {
        let next = try parser.next()
        if case .sequenceEnd = next.event { break }
        let item = try node(from: next, parser, depth: depth + 1)
        items.append(item.node)
        size += item.size
      }
      built = (YAMLNode(.sequence(items), at: position), size)
      anchor = name
    case .mappingStart(let name):
      try spend(1)
      try checkDepth(depth, start)
      var pairs: [(key: YAMLNode, value: YAMLNode)] = []
      var size = 1
      while true {
        let next = try parser.next()
        if case .mappingEnd = next.event { break }
        let key = try node(from: next, parser, depth: depth + 1)
        guard key.node.scalar != nil else {
          throw YAMLLoadError(
            "a mapping key must be text, found \(key.node.kindDescription)", line: next.line, column: next.column,
            code: "yaml-key")
        }
        let value = try node(from: parser.next(), parser, depth: depth + 1)
        pairs.append((key.node, value.node))
        size += key.size + value.size
      }
      try Self.checkDuplicates(pairs)
      built = (YAMLNode(.mapping(pairs), at: position), size)
      anchor = name
    default:
      throw YAMLLoadError("YAML: unexpected parser event", line: start.line, column: start.column)
    }
    if let anchor { anchors[anchor] = built }
    return built
  }

  private mutating func spend(_ nodes: Int) throws(YAMLLoadError) {
    budget -= nodes
    guard budget >= 0 else {
      throw YAMLLoadError(
        "document expands to more than \(YAMLLoader.nodeLimit) nodes", line: 1, column: 0, code: "yaml-node-limit")
    }
  }

  private func checkDepth(
    _ depth: Int, _ start: (event: YAMLEventParser.Event, line: Int, column: Int)
  ) throws(YAMLLoadError) {
    guard depth < YAMLLoader.nestingLimit else {
      throw YAMLLoadError(
        "YAML nested deeper than \(YAMLLoader.nestingLimit) levels", line: start.line, column: start.column,
        code: "yaml-nesting-limit")
    }
  }

  /// Fails on keys that appear twice in one mapping (by their text: `1` and `'1'` are the
  /// same key, as `MappingReader` reads them), at the first repetition.
  private static func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLLoadError) {
    var repeated: [(key: String, at: SourcePosition, first: SourcePosition)] = []
    if pairs.count <= 16 {
      for (index, pair) in pairs.enumerated() {
        let key = pair.key.scalar ?? ""
        if let earlier = pairs[..<index].first(where: { $0.key.scalar == key }) {
          repeated.append((key, pair.key.position, earlier.key.position))
        }
      }
    } else {
      var first: [String: SourcePosition] = [:]
      first.reserveCapacity(pairs.count)
      for pair in pairs {
        let key = pair.key.scalar ?? ""
        if let earlier = first[key] {
          repeated.append((key, pair.key.position, earlier))
        } else {
          first[key] = pair.key.position
        }
      }
    }
    guard let at = repeated.first else { return }
    let names = Set(repeated.map(\.key)).sorted()
    throw YAMLLoadError(
      "duplicate key '\(names.joined(separator: "', '"))' in a mapping", line: at.at.line, column: at.at.column,
      code: "duplicate-key", notes: ["'\(at.key)' first appears at line \(at.first.line), column \(at.first.column)"])
  }
}
