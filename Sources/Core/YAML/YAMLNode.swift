/// A YAML value with the position it came from. Scalars stay text: nothing is implicitly
/// typed, so `0644`, `yes` and `no` mean only what the field reading them says.
public struct YAMLNode: Sendable {
  /// The shape of the node.
  public enum Value: Sendable {
    /// Text, and whether it was quoted in the source.
    case scalar(String, quoted: Bool)
    /// Key/value pairs in source order (duplicate keys are rejected at load).
    case mapping([(key: YAMLNode, value: YAMLNode)])
    case sequence([YAMLNode])
  }

  public var value: Value
  public var position: SourcePosition

  public init(_ value: Value, at position: SourcePosition) {
    self.value = value
    self.position = position
  }

  /// The text of a scalar, nil for collections.
  public var scalar: String? {
    if case .scalar(let text, _) = value { return text }
    return nil
  }

  /// A short name of the node's kind for messages: "a mapping", "a list", "text".
  public var kindDescription: String {
    switch value {
    case .scalar(let text, let quoted): return !quoted && text.isEmpty ? "nothing" : "text"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    }
  }

  /// Whether this is an empty plain scalar (`key:` with no value) .
  public var isNull: Bool {
    if case .scalar(let text, let quoted) = value { return !quoted && (text.isEmpty || text == "~" || text == "null") }
    return false
  }
}

/// A value read from the repository, with where it was written.
public struct Located<Value: Sendable>: Sendable {
  public var value: Value
  public var position: SourcePosition
  public init(_ value: Value, at position: SourcePosition) {
    self.value = value
    self.position = position
  }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
