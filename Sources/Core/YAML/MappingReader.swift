/// Reads the fields of one YAML mapping into typed values, recording a diagnostic for every
/// problem (wrong type, ambiguous scalar, missing required field) and, in `finish()`, for
/// every key nobody asked for, with a did-you-mean.
///
///     var fields = MappingReader(node, what: "user 'bitcoin'", diagnostics: &diagnostics)
///     let home = fields.string("home", diagnostics: &diagnostics)
///     fields.finish(diagnostics: &diagnostics)
public struct MappingReader: Sendable {
  /// The mapping's own node.
  public let node: YAMLNode
  /// What the mapping declares, for messages ("unit 'report.timer'").
  public let what: String
  private var pairs: [(key: YAMLNode, value: YAMLNode)]
  /// The keys asked for (read or accepted), in order: for the messages about unknown keys.
  private var known: [String] = []
  /// Which pairs were read or accepted: bit i for pair i, a set beyond 64 pairs. (A set of
  /// the keys asked for hashed every key of every mapping of the repository: a fiftieth of
  /// a large host's plan.)
  private var readPairs: UInt64 = 0
  private var readBeyond: Set<Int> = []

  /// Starts reading `node`; when it is not a mapping, records an error and reads as empty.
  public init(_ node: YAMLNode, what: String, diagnostics: inout Diagnostics) {
    self.node = node
    self.what = what
    switch node.value {
    case .mapping(let pairs):
      self.pairs = pairs
    default:
      self.pairs = []
      if !node.isNull {
        diagnostics.error("\(what) must be a mapping, found \(node.kindDescription)", at: node.position, code: "type")
      }
    }
  }

  /// The keys in source order with their nodes (for mappings keyed by resource name).
  public var entries: [(key: Located<String>, value: YAMLNode)] {
    pairs.map { (Located($0.key.scalar ?? "", at: $0.key.position), $0.value) }
  }

  /// The node under `key`, marking the key as known.
  public mutating func node(_ key: String) -> YAMLNode? {
    if known.isEmpty { known.reserveCapacity(16) }
    // Appended alone: wrapping it in an array to append was an allocation per key read.
    known.append(key)
    guard let index = pairs.firstIndex(where: { $0.key.scalar == key }) else { return nil }
    markRead(index)
    return pairs[index].value
  }

  /// Marks keys as known without reading them.
  public mutating func accept(_ keys: [String]) {
    if known.isEmpty { known.reserveCapacity(16) }
    known += keys
    for index in pairs.indices where pairs[index].key.scalar.map(keys.contains) == true {
      markRead(index)
    }
  }

  private mutating func markRead(_ index: Int) {
    if index < 64 { readPairs |= 1 << UInt64(index) } else { readBeyond.insert(index) }
  }

  private func wasRead(_ index: Int) -> Bool {
    index < 64 ? readPairs & 1 << UInt64(index) != 0 : readBeyond.contains(index)
  }

  /// A text field. Plain and quoted scalars are taken literally.
  public mutating func string(
    _ key: String, required: Bool = false, diagnostics: inout Diagnostics
  ) -> Located<String>? {
    guard let node = present(key, required: required, diagnostics: &diagnostics) else { return nil }
    guard let text = node.scalar else {
      diagnostics.error(
        "'\(key)' of \(what) must be text, found \(node.kindDescription)", at: node.position, code: "type")
      return nil
    }
    return Located(text, at: node.position)
  }

  /// A boolean field: only `true` or `false` (YAML 1.1's `yes`/`no`/`on`/`off` are refused
  /// because they surprise).
  public mutating func bool(
    _ key: String, required: Bool = false, diagnostics: inout Diagnostics
  ) -> Located<Bool>? {
    guard let node = present(key, required: required, diagnostics: &diagnostics) else { return nil }
    switch node.value {
    case .scalar("true", quoted: false): return Located(true, at: node.position)
    case .scalar("false", quoted: false): return Located(false, at: node.position)
    default:
      let found = node.scalar.map { "'\($0)'" } ?? node.kindDescription
      diagnostics.error(
        "'\(key)' of \(what) must be true or false, found \(found)", at: node.position, code: "type")
      return nil
    }
  }

  /// A whole number in decimal, within `range`. A leading zero is refused as ambiguous
  /// (octal or decimal?); write file modes as quoted text.
  public mutating func integer(
    _ key: String, in range: ClosedRange<Int64> = 0...Int64(UInt32.max), required: Bool = false,
    diagnostics: inout Diagnostics
  ) -> Located<Int64>? {
    guard let node = present(key, required: required, diagnostics: &diagnostics) else { return nil }
    guard case .scalar(let text, quoted: false) = node.value, !text.isEmpty,
      text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text)
    else {
      let found = node.scalar.map { "'\($0)'" } ?? node.kindDescription
      diagnostics.error("'\(key)' of \(what) must be a whole number, found \(found)", at: node.position, code: "type")
      return nil
    }
    if text.count > 1 && text.hasPrefix("0") {
      diagnostics.error(
        "'\(key)' of \(what) is '\(text)': a leading zero is ambiguous (octal or decimal?)",
        at: node.position, code: "ambiguous-number", notes: ["write it without the leading zero"])
      return nil
    }
    guard range.contains(value) else {
      diagnostics.error(
        "'\(key)' of \(what) is \(value), outside \(range.lowerBound)...\(range.upperBound)",
        at: node.position, code: "range")
      return nil
    }
    return Located(value, at: node.position)
  }

  /// A list of text items (a single item may be written without brackets).
  public mutating func stringList(
    _ key: String, required: Bool = false, diagnostics: inout Diagnostics
  ) -> [Located<String>]? {
    guard let node = present(key, required: required, diagnostics: &diagnostics) else { return nil }
    return MappingReader.strings(in: node, what: "'\(key)' of \(what)", diagnostics: &diagnostics)
  }

  /// A nested mapping.
  public mutating func mapping(
    _ key: String, what nestedWhat: String? = nil, required: Bool = false,
    diagnostics: inout Diagnostics
  ) -> MappingReader? {
    guard let node = present(key, required: required, diagnostics: &diagnostics) else { return nil }
    return MappingReader(node, what: nestedWhat ?? "'\(key)' of \(what)", diagnostics: &diagnostics)
  }

  /// Text items of a list node (or a single scalar).
  public static func strings(
    in node: YAMLNode, what: String, diagnostics: inout Diagnostics
  ) -> [Located<String>] {
    switch node.value {
    case .scalar(let text, _):
      return node.isNull ? [] : [Located(text, at: node.position)]
    case .sequence(let items):
      return items.compactMap { item in
        guard let text = item.scalar else {
          diagnostics.error(
            "items of \(what) must be text, found \(item.kindDescription)", at: item.position, code: "type")
          return nil
        }
        return Located(text, at: item.position)
      }
    case .mapping:
      diagnostics.error("\(what) must be a list, found a mapping", at: node.position, code: "type")
      return []
    }
  }

  /// Records an error for every key that was not read or accepted, suggesting the closest
  /// known key.
  public func finish(diagnostics: inout Diagnostics) {
    var keysAsked: Set<String>?  // made at the first unknown key
    for (index, (key, _)) in pairs.enumerated() {
      guard let name = key.scalar else {
        diagnostics.error("keys of \(what) must be text", at: key.position, code: "type")
        continue
      }
      guard !wasRead(index) else { continue }
      let known = keysAsked ?? Set(self.known)
      keysAsked = known
      var notes: [String] = []
      if let suggestion = Spelling.closest(to: name, in: known) { notes.append("did you mean '\(suggestion)'?") }
      let list = known.sorted().joined(separator: ", ")
      diagnostics.error(
        "unknown key '\(name.debugEscaped)' in \(what)", at: key.position, code: "unknown-key",
        notes: notes + ["known keys: \(list)"])
    }
  }

  private mutating func present(
    _ key: String, required: Bool, diagnostics: inout Diagnostics
  ) -> YAMLNode? {
    let found = node(key)
    if let found, !found.isNull { return found }
    if required {
      diagnostics.error("\(what) needs '\(key)'", at: found?.position ?? node.position, code: "missing-key")
    }
    return nil
  }
}
