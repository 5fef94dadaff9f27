/// A validated systemd unit name such as `report.timer`, `status-email@.service` or
/// `status-email@bitcoind.service`.
///
/// Rules from systemd's `unit_name_is_valid()` (src/basic/unit-name.c): at most 255 bytes,
/// characters `[A-Za-z0-9:_.\-]` plus `\` escapes, at most one `@`, and a known type suffix.
/// Anything else is refused before a path is built from it.
public struct UnitName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The unit types reconcile knows, by suffix.
  public static let suffixes: Set<String> = [
    "service", "socket", "timer", "path", "target", "mount", "automount", "swap", "slice",
    "scope", "device",
  ]

  /// The full name, e.g. `report.timer`.
  public let rawValue: String

  /// Validates `name`; nil when it is not a valid unit name.
  public init?(_ name: String) {
    guard UnitName.problem(with: name) == nil else { return nil }
    rawValue = name
  }

  /// Why `name` is not a valid unit name, or nil when it is.
  public static func problem(with name: String) -> String? {
    // On the bytes in place: every unit of a large host is checked, often more than once.
    var text = name
    return text.withUTF8 { problem(with: name, bytes: $0) }
  }

  private static func problem(with name: String, bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard !bytes.isEmpty else { return "a unit name cannot be empty" }
    guard bytes.count <= 255 else { return "unit name is longer than 255 bytes" }
    guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0 else {
      return "unit name '\(name)' has no type suffix such as .service"
    }
    let suffix = String(decoding: bytes[(dot + 1)...], as: UTF8.self)
    guard suffixes.contains(suffix) else {
      return "unit name '\(name)' has an unknown type suffix '.\(suffix)'"
    }
    let stem = bytes[..<dot]
    var ats = 0
    for byte in stem {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"),
        UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "\\"):
        continue
      case UInt8(ascii: "@"):
        ats += 1
      default:
        return "unit name '\(name.debugEscaped)' contains a character systemd does not allow"
      }
    }
    guard ats <= 1 else { return "unit name '\(name)' has more than one '@'" }
    if stem.first == UInt8(ascii: "@") { return "unit name '\(name)' starts with '@'" }
    if stem.first == UInt8(ascii: ".") { return "unit name '\(name)' starts with '.'" }
    return nil
  }

  /// The type suffix without the dot, e.g. `timer`.
  public var suffix: String { String(rawValue[rawValue.utf8.index(after: lastDot)...]) }

  /// The name without its suffix, e.g. `report` for `report.timer`.
  public var stem: String { String(rawValue[..<lastDot]) }

  /// Where the suffix's dot is, found on the bytes (a valid name is ASCII; a search of
  /// characters from the end cost thousands of instructions a name).
  private var lastDot: String.Index { rawValue.utf8.lastIndex(of: UInt8(ascii: "."))! }

  /// Whether this is a template such as `status-email@.service`.
  public var isTemplate: Bool {
    guard let at = rawValue.utf8.firstIndex(of: UInt8(ascii: "@")) else { return false }
    return rawValue.utf8[rawValue.utf8.index(after: at)] == UInt8(ascii: ".")
  }

  /// Whether this is an instance such as `status-email@bitcoind.service`.
  public var isInstance: Bool {
    // A valid name has at most one `@`, in its stem (no suffix has one).
    rawValue.utf8.contains(UInt8(ascii: "@")) && !isTemplate
  }

  /// The template an instance comes from (`foo@bar.service` -> `foo@.service`).
  public var template: UnitName? {
    guard isInstance, let at = stem.firstIndex(of: "@") else { return nil }
    return UnitName(String(stem[...at]) + "." + suffix)
  }

  /// The instance string of an instance unit.
  public var instance: String? {
    guard isInstance, let at = stem.firstIndex(of: "@") else { return nil }
    return String(stem[stem.index(after: at)...])
  }

  /// Whether this unit triggers another (`.timer`, `.path`, `.socket`, `.automount`).
  public var isTrigger: Bool { ["timer", "path", "socket", "automount"].contains(suffix) }

  /// The unit a trigger activates when its file names none: same stem, `.service`
  /// (`.mount` for an automount).
  public var defaultTriggered: UnitName? {
    guard isTrigger else { return nil }
    return UnitName(stem + (suffix == "automount" ? ".mount" : ".service"))
  }

  public var description: String { rawValue }

  public static func < (a: UnitName, b: UnitName) -> Bool { a.rawValue < b.rawValue }

  public init(from decoder: Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(String.self)
    guard let name = UnitName(raw) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "invalid unit name \(raw)"))
    }
    self = name
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

extension StringProtocol {
  /// The string with control characters and non-ASCII shown as escapes, safe for one line.
  public var debugEscaped: String {
    var out = ""
    for scalar in unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value > 0x7E {
        out += scalar.escaped(asASCII: true)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
