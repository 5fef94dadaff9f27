/// Rules for the names the repository layout turns into paths.
public enum Naming {
  /// Host names: `[a-z0-9][a-z0-9.-]{0,62}` (a DNS label or dotted name, lower case).
  public static func isValidHostName(_ name: String) -> Bool {
    matches(name, first: lowerAndDigits, rest: hostRest, max: 63) && !name.contains("..")
  }

  /// Role names: `[a-z0-9][a-z0-9_-]{0,63}`.
  public static func isValidRoleName(_ name: String) -> Bool {
    matches(name, first: lowerAndDigits, rest: roleRest, max: 64)
  }

  /// Drop-in file names: `[A-Za-z0-9_@:.-]+\.conf`, not starting with a dot.
  public static func isValidDropInName(_ name: String) -> Bool {
    name.hasSuffix(".conf") && name.utf8.count > 5 && name.utf8.count <= 255
      && matches(name, first: dropInFirst, rest: dropInRest, max: 255)
  }

  private static let lowerAndDigits = ASCIISet("abcdefghijklmnopqrstuvwxyz0123456789")
  private static let hostRest = ASCIISet("abcdefghijklmnopqrstuvwxyz0123456789.-")
  private static let roleRest = ASCIISet("abcdefghijklmnopqrstuvwxyz0123456789_-")
  private static let dropInFirst = ASCIISet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
  private static let dropInRest = ASCIISet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@:.-")

  /// Compares bytes: every allowed character is ASCII, so a name matches exactly when its
  /// bytes do.
  private static func matches(_ name: String, first: ASCIISet, rest: ASCIISet, max: Int) -> Bool {
    guard let head = name.utf8.first, name.utf8.count <= max, first.contains(head) else {
      return false
    }
    return name.utf8.dropFirst().allSatisfy(rest.contains)
  }

  /// ASCII characters as a 128-bit mask: a test per byte, where a search of the allowed
  /// characters for every byte of every drop-in name was a visible cost of decoding.
  private struct ASCIISet: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(_ characters: String) {
      for byte in characters.utf8 where byte < 128 {
        if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
      }
    }

    func contains(_ byte: UInt8) -> Bool {
      byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
    }
  }
}
