import CGit2

/// A git object name (SHA-1), as a value: what commits are recorded and compared by.
public struct ObjectID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The 40 lowercase hexadecimal digits.
  public let hex: String

  /// Parses 40 hexadecimal digits; `nil` for anything else.
  public init?(hex: String) {
    let lower = hex.lowercased()
    guard lower.utf8.count == 40, lower.utf8.allSatisfy({ Self.isHexDigit($0) }) else {
      return nil
    }
    self.hex = lower
  }

  /// Copies a libgit2 object id. `git_oid_tostr`
  init(_ oid: git_oid) {
    var copy = oid
    var buffer = [CChar](repeating: 0, count: 41)
    git_oid_tostr(&buffer, buffer.count, &copy)
    hex = String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The libgit2 form. `git_oid_fromstr`
  var oid: git_oid {
    var result = git_oid()
    _ = git_oid_fromstr(&result, hex)
    return result
  }

  /// The first 12 digits, for messages.
  public var short: String { String(hex.prefix(12)) }

  public var description: String { hex }

  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = ObjectID(hex: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not an object id: \(text)"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(hex)
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
  }
}
