/// The name of one managed resource: a kind and a name, written `kind:name`
/// (`unit:report.timer`, `user:bitcoin`, `unit-file:/etc/systemd/system/report.timer`).
public struct Address: Sendable, Hashable, Codable, Comparable, CustomStringConvertible,
  ExpressibleByStringLiteral
{
  public var kind: String
  public var name: String

  public init(_ kind: String, _ name: String) {
    self.kind = kind
    self.name = name
  }

  /// Parses `kind:name`.
  public init(stringLiteral value: String) {
    // The usual `kind:name`, split at the first colon byte: splitting characters made
    // reading the ledger's addresses a visible part of every run.
    if let colon = value.utf8.firstIndex(of: UInt8(ascii: ":")), colon != value.utf8.startIndex {
      kind = String(value[..<colon])
      name = String(value[value.utf8.index(after: colon)...])
      return
    }
    let parts = value.split(separator: ":", maxSplits: 1)
    kind = String(parts[0])
    name = parts.count > 1 ? String(parts[1]) : ""
  }

  public var description: String { "\(kind):\(name)" }

  public static func < (a: Address, b: Address) -> Bool { (a.kind, a.name) < (b.kind, b.name) }

  public init(from decoder: Decoder) throws {
    self.init(stringLiteral: try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
