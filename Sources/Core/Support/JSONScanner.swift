/// A pull reader of JSON text for documents whose shape the caller knows (the ledger): it
/// reads one value at a time where the caller asks for it, and builds no intermediate tree.
/// Strict where it reads (RFC 8259 strings, literals and integers; UTF-8 checked), it skips
/// any value the caller does not want.
struct JSONScanner {
  /// What was wrong, and at which byte.
  struct Error: Swift.Error, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "\(reason) at byte \(offset)" }
  }

  private let bytes: [UInt8]
  private(set) var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// True when only white space is left.
  mutating func atEnd() -> Bool {
    skipSpace()
    return offset == bytes.count
  }

  /// The next byte that is not white space, left unread; nil at the end.
  mutating func peek() -> UInt8? {
    skipSpace()
    return offset < bytes.count ? bytes[offset] : nil
  }

  /// Reads `{`, then calls `member` with each key, the scanner on its value, which `member`
  /// must read or skip; then `}`.
  mutating func readObject(_ member: (inout JSONScanner, String) throws -> Void) throws {
    try expect(UInt8(ascii: "{"))
    if try consume(UInt8(ascii: "}")) { return }
    repeat {
      let key = try readString()
      try expect(UInt8(ascii: ":"))
      try member(&self, key)
    } while try separator(closing: UInt8(ascii: "}"))
  }

  /// Reads `[`, then calls `element` with the scanner on each element; then `]`.
  mutating func readArray(_ element: (inout JSONScanner) throws -> Void) throws {
    try expect(UInt8(ascii: "["))
    if try consume(UInt8(ascii: "]")) { return }
    repeat {
      try element(&self)
    } while try separator(closing: UInt8(ascii: "]"))
  }

  /// Reads an object of strings.
  mutating func readStringMap() throws -> [String: String] {
    var map: [String: String] = [:]
    try readObject { scanner, key in map[key] = try scanner.readString() }
    return map
  }

  /// Reads a string.
  mutating func readString() throws -> String {
    try expect(UInt8(ascii: "\""))
    let start = offset
    // The common case: no escapes, so the text is the bytes between the quotes, most often
    // ASCII.
    let (end, ascii) = plainRun(from: start)
    offset = end
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
      offset += 1
      if ascii {
        return bytes.withUnsafeBufferPointer {
          String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
      }
      return try utf8(start..<end)
    }
    if offset < bytes.count, bytes[offset] < 0x20 {
      throw Error(offset: offset, reason: "a control character in a string")
    }
    var text = try utf8(start..<offset)
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte == UInt8(ascii: "\"") {
        offset += 1
        return text
      }
      if byte < 0x20 { throw Error(offset: offset, reason: "a control character in a string") }
      if byte != UInt8(ascii: "\\") {
        let run = offset
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""),
          bytes[offset] != UInt8(ascii: "\\"), bytes[offset] >= 0x20
        {
          offset += 1
        }
        text += try utf8(run..<offset)
        continue
      }
      offset += 1
      guard offset < bytes.count else { break }
      let escaped = bytes[offset]
      offset += 1
      switch escaped {
      case UInt8(ascii: "\""): text += "\""
      case UInt8(ascii: "\\"): text += "\\"
      case UInt8(ascii: "/"): text += "/"
      case UInt8(ascii: "b"): text += "\u{08}"
      case UInt8(ascii: "f"): text += "\u{0C}"
      case UInt8(ascii: "n"): text += "\n"
      case UInt8(ascii: "r"): text += "\r"
      case UInt8(ascii: "t"): text += "\t"
      case UInt8(ascii: "u"): text.unicodeScalars.append(try readEscapedScalar())
      default: throw Error(offset: offset - 1, reason: "an unknown escape in a string")
      }
    }
    throw Error(offset: offset, reason: "an unterminated string")
  }

  /// Reads a string and hands `body` its UTF-8: the document's bytes in place when the
  /// string has no escapes (no `String` is made), else the decoded text's.
  mutating func readString(utf8 body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
    skipSpace()
    let quote = offset
    try expect(UInt8(ascii: "\""))
    let start = offset
    let (end, ascii) = plainRun(from: start)
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
      // Escapes (or an error): read as a string from the quote.
      offset = quote
      var text = try readString()
      text.withUTF8(body)
      return
    }
    if !ascii { _ = try utf8(start..<end) }  // checks the bytes are UTF-8
    offset = end + 1
    bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
  }

  /// Reads `true` or `false`.
  mutating func readBool() throws -> Bool {
    skipSpace()
    if literal("true") { return true }
    if literal("false") { return false }
    throw Error(offset: offset, reason: "expected true or false")
  }

  /// Reads `null` if it comes next.
  mutating func readNull() -> Bool {
    skipSpace()
    return literal("null")
  }

  /// Reads an integer (no fraction, no exponent).
  mutating func readInt() throws -> Int {
    skipSpace()
    let start = offset
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
    while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
      offset += 1
    }
    guard let value = Int(String(decoding: bytes[start..<offset], as: UTF8.self)) else {
      throw Error(offset: start, reason: "expected an integer")
    }
    return value
  }

  /// Skips one value of any kind.
  mutating func skipValue() throws {
    skipSpace()
    guard offset < bytes.count else { throw Error(offset: offset, reason: "expected a value") }
    switch bytes[offset] {
    case UInt8(ascii: "{"): try readObject { scanner, _ in try scanner.skipValue() }
    case UInt8(ascii: "["): try readArray { try $0.skipValue() }
    case UInt8(ascii: "\""): _ = try readString()
    case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
    case UInt8(ascii: "n"):
      guard readNull() else { throw Error(offset: offset, reason: "expected null") }
    default:
      let start = offset
      while offset < bytes.count, Self.isNumberByte(bytes[offset]) { offset += 1 }
      guard offset > start, Double(String(decoding: bytes[start..<offset], as: UTF8.self)) != nil
      else { throw Error(offset: start, reason: "expected a value") }
    }
  }

  private static func isNumberByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
      UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
      true
    default: false
    }
  }

  /// Where the run of plain string bytes from `start` ends (at a quote, a backslash, a
  /// control character or the end), and whether it is all ASCII.
  private func plainRun(from start: Int) -> (end: Int, ascii: Bool) {
    bytes.withUnsafeBufferPointer { buffer in
      var end = start
      var bits: UInt8 = 0
      while end < buffer.count {
        let byte = buffer[end]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
        bits |= byte
        end += 1
      }
      return (end, bits < 0x80)
    }
  }

  private func utf8(_ range: Range<Int>) throws -> String {
    let text = bytes.withUnsafeBufferPointer {
      String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
    }
    guard let text else {
      throw Error(offset: range.lowerBound, reason: "a string that is not UTF-8")
    }
    return text
  }

  /// The scalar of `\uXXXX` (after the `u`), with a following low surrogate if it is one half.
  private mutating func readEscapedScalar() throws -> Unicode.Scalar {
    let high = try readHex4()
    if (0xD800..<0xDC00).contains(high) {
      guard literal("\\u") else { throw Error(offset: offset, reason: "a lone surrogate") }
      let low = try readHex4()
      guard (0xDC00..<0xE000).contains(low) else {
        throw Error(offset: offset, reason: "a lone surrogate")
      }
      let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
      return Unicode.Scalar(value)!
    }
    guard let scalar = Unicode.Scalar(high) else {
      throw Error(offset: offset, reason: "a lone surrogate")
    }
    return scalar
  }

  private mutating func readHex4() throws -> UInt32 {
    guard offset + 4 <= bytes.count,
      let value = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
    else { throw Error(offset: offset, reason: "a bad \\u escape") }
    offset += 4
    return value
  }

  private mutating func skipSpace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x0A, 0x0D, 0x09: offset += 1
      default: return
      }
    }
  }

  private mutating func literal(_ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { return false }
    let matches = word.withUTF8Buffer { bytes[offset..<offset + count].elementsEqual($0) }
    if matches { offset += count }
    return matches
  }

  private mutating func consume(_ byte: UInt8) throws -> Bool {
    skipSpace()
    guard offset < bytes.count, bytes[offset] == byte else { return false }
    offset += 1
    return true
  }

  private mutating func expect(_ byte: UInt8) throws {
    guard try consume(byte) else {
      throw Error(offset: offset, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
    }
  }

  /// After a member or element: true after `,`, false after `closing`.
  private mutating func separator(closing: UInt8) throws -> Bool {
    if try consume(UInt8(ascii: ",")) { return true }
    try expect(closing)
    return false
  }
}
