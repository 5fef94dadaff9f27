/// Names that key dictionaries encode as JSON objects (`{"report.timer": ...}`) rather than
/// as arrays of alternating keys and values.
struct NameKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension HostPath: CodingKeyRepresentable {
  public var codingKey: any CodingKey { NameKey(stringValue: description) }
  public init?<T: CodingKey>(codingKey: T) { self.init(codingKey.stringValue) }
}

extension UnitName: CodingKeyRepresentable {
  public var codingKey: any CodingKey { NameKey(stringValue: rawValue) }
  public init?<T: CodingKey>(codingKey: T) { self.init(codingKey.stringValue) }
}

extension Address: CodingKeyRepresentable {
  public var codingKey: any CodingKey { NameKey(stringValue: description) }
  public init?<T: CodingKey>(codingKey: T) { self.init(stringLiteral: codingKey.stringValue) }
}
