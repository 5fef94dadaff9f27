/// An address prefix of `IPAddressAllow=`/`IPAddressDeny=`, masked to its length as systemd
/// stores it (`in_addr_prefix_add()`).
public struct IPAddressPrefix: Sendable, Hashable {
  /// Whether this is an IPv6 prefix.
  public var isIPv6: Bool
  /// The address bytes (4 or 16), with the bits past `length` cleared.
  public var bytes: [UInt8]
  /// The prefix length in bits.
  public var length: Int

  /// A prefix from its parts, masking the address.
  public init(isIPv6: Bool, bytes: [UInt8], length: Int) {
    self.isIPv6 = isIPv6
    self.length = length
    self.bytes = bytes.enumerated().map { index, byte in
      let keep = max(0, min(8, length - index * 8))
      return keep == 8 ? byte : byte & ~(UInt8(0xFF) >> UInt8(keep))
    }
  }

  /// Whether the address is a loopback one: 127.0.0.0/8 for IPv4, ::1 for IPv6
  /// (`in_addr_is_localhost()`; the prefix length is not looked at).
  public var isLocalhost: Bool {
    isIPv6 ? bytes == [UInt8](repeating: 0, count: 15) + [1] : bytes[0] == 127
  }

  /// The prefixes one word of the setting stands for: `any`, `localhost`, `link-local`,
  /// `multicast`, or `ADDRESS[/LENGTH]`; nil when systemd would ignore it.
  static func parse(_ word: String) -> [IPAddressPrefix]? {
    switch word {
    case "any":
      return [
        IPAddressPrefix(isIPv6: false, bytes: [0, 0, 0, 0], length: 0),
        IPAddressPrefix(isIPv6: true, bytes: .init(repeating: 0, count: 16), length: 0),
      ]
    case "localhost":
      return [
        IPAddressPrefix(isIPv6: false, bytes: [127, 0, 0, 0], length: 8),
        IPAddressPrefix(isIPv6: true, bytes: .init(repeating: 0, count: 15) + [1], length: 128),
      ]
    case "link-local":
      return [
        IPAddressPrefix(isIPv6: false, bytes: [169, 254, 0, 0], length: 16),
        IPAddressPrefix(
          isIPv6: true, bytes: [0xFE, 0x80] + .init(repeating: 0, count: 14),
          length: 64),
      ]
    case "multicast":
      return [
        IPAddressPrefix(isIPv6: false, bytes: [224, 0, 0, 0], length: 4),
        IPAddressPrefix(isIPv6: true, bytes: [0xFF] + .init(repeating: 0, count: 15), length: 8),
      ]
    default:
      break
    }
    var address = Substring(word)
    var length: Int?
    if let slash = word.firstIndex(of: "/") {
      address = word[..<slash]
      guard let parsed = Int(word[word.index(after: slash)...]) else { return nil }
      length = parsed
    }
    if let bytes = ipv4(address) {
      let length = length ?? 32
      guard (0...32).contains(length) else { return nil }
      return [IPAddressPrefix(isIPv6: false, bytes: bytes, length: length)]
    }
    if let bytes = ipv6(address) {
      let length = length ?? 128
      guard (0...128).contains(length) else { return nil }
      return [IPAddressPrefix(isIPv6: true, bytes: bytes, length: length)]
    }
    return nil
  }

  private static func ipv4(_ text: Substring) -> [UInt8]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    let bytes = parts.compactMap { $0.allSatisfy(\.isNumber) ? UInt8($0) : nil }
    return bytes.count == 4 ? bytes : nil
  }

  private static func ipv6(_ text: Substring) -> [UInt8]? {
    func groups(_ part: Substring) -> [UInt16]? {
      if part.isEmpty { return [] }
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      let values = pieces.compactMap { $0.count <= 4 ? UInt16($0, radix: 16) : nil }
      return values.count == pieces.count ? values : nil
    }
    let halves = text.split(separator: "::", omittingEmptySubsequences: false)
    var words: [UInt16]
    switch halves.count {
    case 1:
      guard let all = groups(halves[0]), all.count == 8 else { return nil }
      words = all
    case 2:
      guard let head = groups(halves[0]), let tail = groups(halves[1]),
        head.count + tail.count < 8
      else { return nil }
      words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    default:
      return nil
    }
    return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
  }
}
