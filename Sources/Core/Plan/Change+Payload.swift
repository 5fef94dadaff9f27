import FoundationEssentials

extension Change {
  /// A plugin's instructions for applying one change: any JSON value, kept as its text
  /// (compact, keys sorted).
  ///
  /// One string a change: a first apply plans tens of thousands of changes, and a tree of
  /// `JSONValue`s (a dictionary for every object) took several times the text's size. In a
  /// plan's JSON document the payload is the JSON value itself, as readable as before.
  public struct Payload: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The JSON text, keys sorted: equal values have equal texts.
    public let json: String

    /// JSON `null`: a change that needs no instructions.
    public static let null = Payload(json: "null")

    private init(json: String) { self.json = json }

    /// Encodes `value` as JSON.
    public init<Value: Encodable>(encoding value: Value) throws {
      json = String(decoding: try Self.encoder().encode(value), as: UTF8.self)
    }

    /// Decodes the payload as the plugin's type.
    public func decode<Value: Decodable>(as type: Value.Type) throws -> Value {
      try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// Reads any JSON value (a plan's JSON document).
    public init(from decoder: Decoder) throws {
      try self.init(encoding: JSONValue(from: decoder))
    }

    /// Writes the JSON value itself, not its text.
    public func encode(to encoder: Encoder) throws {
      try JSONValue(parsing: Array(json.utf8)).encode(to: encoder)
    }

    public var description: String { json }

    private static func encoder() -> JSONEncoder {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      return encoder
    }
  }
}
