import CSHA256

/// SHA-256 (FIPS 180-4), used for the ledger's fingerprints of what reconcile wrote.
public enum SHA256 {
  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// The digest of `bytes` as 64 lower-case hex digits.
  public static func hex(_ bytes: some Collection<UInt8>) -> String {
    hexDigits(digest(bytes))
  }

  /// The digest of `bytes` as 64 lower-case hex digits: the whole blocks hashed where the
  /// bytes lie (an installed unit file is hashed on every run; copying it into a padded
  /// message, through a generic the plugins could not specialize, was a fifth of the work).
  public static func hex(_ bytes: [UInt8]) -> String {
    var hasher = Hasher()
    hasher.update(bytes)
    return hasher.hex()
  }

  /// The digest of a string's UTF-8 bytes as hex.
  public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

  /// The 32-byte digest of `bytes`.
  ///
  /// The rounds run on unchecked buffers: with bounds checks and a fresh array per block,
  /// fingerprinting the installed unit files was a tenth of a no-op run.
  public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var message: [UInt8] = []
    message.reserveCapacity(bytes.count + 72)
    message.append(contentsOf: bytes)
    appendPadding(to: &message, length: UInt64(message.count))
    var h = initial
    message.withUnsafeBufferPointer { compress(&h, blocks: UnsafeRawBufferPointer($0)) }
    return digestBytes(of: h)
  }

  /// The eight words of the running digest.
  typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

  static let initial: State = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
  )

  /// Appends the 0x80 byte, zeros and the bit length of a `length`-byte message.
  static func appendPadding(to message: inout [UInt8], length: UInt64) {
    message.append(0x80)
    message.append(contentsOf: repeatElement(0, count: (120 - message.count % 64) % 64))
    let bitLength = length &* 8
    for shift in stride(from: 56, through: 0, by: -8) {
      message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
  }

  /// Whether the processor's SHA instructions do the rounds (`CSHA256`); asked once.
  static let usesProcessorInstructions = csha256_has_ni() != 0

  /// Runs the rounds over every whole 64-byte block of `blocks`: with the processor's SHA
  /// instructions where it has them, else in Swift.
  static func compress(_ h: inout State, blocks message: UnsafeRawBufferPointer) {
    let count = message.count / 64
    guard usesProcessorInstructions, count > 0 else {
      compressPortably(&h, blocks: message)
      return
    }
    withUnsafeMutableBytes(of: &h) { words in
      csha256_compress_ni(
        words.baseAddress!.assumingMemoryBound(to: UInt32.self),
        message.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
    }
  }

  /// `compress` in Swift, on any processor: the reference the instructions are tested
  /// against.
  static func compressPortably(_ h: inout State, blocks message: UnsafeRawBufferPointer) {
    k.withUnsafeBufferPointer { k in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
        for chunk in stride(from: 0, to: message.count - 63, by: 64) {
          for i in 0..<16 {
            w[i] = UInt32(bigEndian: message.loadUnaligned(fromByteOffset: chunk + i * 4, as: UInt32.self))
          }
          for i in 16..<64 {
            let s0 = w[i - 15].rotatedRight(7) ^ w[i - 15].rotatedRight(18) ^ (w[i - 15] >> 3)
            let s1 = w[i - 2].rotatedRight(17) ^ w[i - 2].rotatedRight(19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
          }
          var (a, b, c, d, e, f, g, hh) = h
          // Eight rounds at a time, each naming the words where they are, instead of moving
          // all eight words along after every round (a third of the instructions).
          for i in stride(from: 0, to: 64, by: 8) {
            round(a, b, c, &d, e, f, g, &hh, k[i] &+ w[i])
            round(hh, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
            round(g, hh, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
            round(f, g, hh, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
            round(e, f, g, &hh, a, b, c, &d, k[i + 4] &+ w[i + 4])
            round(d, e, f, &g, hh, a, b, &c, k[i + 5] &+ w[i + 5])
            round(c, d, e, &f, g, hh, a, &b, k[i + 6] &+ w[i + 6])
            round(b, c, d, &e, f, g, hh, &a, k[i + 7] &+ w[i + 7])
          }
          h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
      }
    }
  }

  /// One round: `d` gains T1, `h` becomes T1 + T2 (the new `a`); the caller renames the rest.
  @inline(__always)
  private static func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32,
    _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
  ) {
    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
    let ch = g ^ (e & (f ^ g))
    let t1 = h &+ s1 &+ ch &+ kw
    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
    let maj = (a & b) | (c & (a | b))
    d = d &+ t1
    h = t1 &+ s0 &+ maj
  }

  /// The digest's 32 bytes, big-endian words in order.
  static func digestBytes(of h: State) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(32)
    for word in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
      for shift in stride(from: 24, through: 0, by: -8) {
        result.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
      }
    }
    return result
  }

  /// Lower-case hex of `bytes`, written straight into the string's storage.
  static func hexDigits(_ bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { text in
      func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }
      for (index, byte) in bytes.enumerated() {
        text[2 * index] = digit(byte >> 4)
        text[2 * index + 1] = digit(byte & 15)
      }
      return bytes.count * 2
    }
  }

  /// A digest fed piece by piece: a large file hashed as it is read, never held whole.
  public struct Hasher: Sendable {
    private var h = SHA256.initial
    /// Bytes of an unfinished block (fewer than 64).
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
      length &+= UInt64(bytes.count)
      var rest = bytes[...]
      if !pending.isEmpty {
        let taken = min(64 - pending.count, rest.count)
        pending.append(contentsOf: rest.prefix(taken))
        rest = rest.dropFirst(taken)
        guard pending.count == 64 else { return }
        pending.withUnsafeBytes { SHA256.compress(&h, blocks: $0) }
        pending.removeAll(keepingCapacity: true)
      }
      let whole = rest.count / 64 * 64
      if whole > 0 {
        SHA256.compress(&h, blocks: UnsafeRawBufferPointer(rebasing: rest.prefix(whole)))
      }
      pending.append(contentsOf: rest.dropFirst(whole))
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything added, as 64 lower-case hex digits.
    public func hex() -> String {
      var h = self.h
      var tail: [UInt8] = []
      tail.reserveCapacity(128)
      tail.append(contentsOf: pending)
      SHA256.appendPadding(to: &tail, length: length)
      tail.withUnsafeBytes { SHA256.compress(&h, blocks: $0) }
      return SHA256.hexDigits(SHA256.digestBytes(of: h))
    }
  }
}

extension UInt32 {
  fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
