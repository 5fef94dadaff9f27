/// Base64 (RFC 4648, standard alphabet) for known_hosts keys and salts, and for key
/// fingerprints as `ssh-keygen -l` prints them (`SHA256:` and unpadded base64).
enum Base64 {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// The bytes `text` encodes; `nil` when it holds anything but the alphabet and trailing
  /// `=` padding. Padding may be left out.
  static func decode(_ text: some StringProtocol) -> [UInt8]? {
    var values: [UInt8] = []
    var padding = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: "=") {
        padding += 1
        continue
      }
      guard padding == 0, let value = alphabet.firstIndex(of: byte) else { return nil }
      values.append(UInt8(value))
    }
    guard values.count % 4 != 1, padding <= 2 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for value in values {
      accumulator = accumulator << 6 | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return bytes
  }

  /// `bytes` in base64, padded with `=` unless `padding` is false.
  static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
    var output: [UInt8] = []
    for start in stride(from: 0, to: bytes.count, by: 3) {
      let chunk = bytes[start..<min(start + 3, bytes.count)]
      var value: UInt32 = 0
      for (offset, byte) in chunk.enumerated() {
        value |= UInt32(byte) << (16 - 8 * UInt32(offset))
      }
      for index in 0...chunk.count {
        output.append(alphabet[Int(value >> (18 - 6 * UInt32(index)) & 63)])
      }
      if padding { output += [UInt8](repeating: UInt8(ascii: "="), count: 3 - chunk.count) }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
