extension Ledger {
  /// An entry's facts: a few strings by key (`path`, `uid`, ...), read like a dictionary
  /// (`entry.facts["path"]`) and written in dictionary literals.
  ///
  /// Kept as one string, the pairs sorted by key, each key and value written as its length in
  /// UTF-8 bytes, a colon and the bytes (`3:gid4:9999`, stored inline when this short). A
  /// dictionary per entry cost about 180 bytes of hash table before its strings: most of the
  /// ledger's memory at thousands of entries, for one or two facts each.
  public struct Facts: Sendable, Equatable, Codable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
  {
    private var storage: String

    /// No facts.
    public init() { storage = "" }

    /// The facts of `encoded`, an `encoded` text.
    init(encoded: String) { storage = encoded }

    /// The facts as one text (how `LedgerTable` keeps them).
    var encoded: String { storage }

    /// The facts of `dictionary`.
    public init(_ dictionary: [String: String]) {
      self.init(sorted: dictionary.sorted { $0.key < $1.key })
    }

    /// The facts of a literal; a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (String, String)...) {
      self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    /// The facts of `pairs` in any order; of a key given twice the last value counts.
    init(_ pairs: [(key: String, value: String)]) {
      var sorted = pairs
      // Read from a ledger file, they come sorted.
      if !zip(pairs, pairs.dropFirst()).allSatisfy({ $0.key < $1.key }) {
        sorted = []
        for (key, value) in pairs {
          sorted.removeAll { $0.key == key }
          sorted.append((key, value))
        }
        sorted.sort { $0.key < $1.key }
      }
      self.init(sorted: sorted)
    }

    /// Pairs already sorted by key, keys unique.
    private init(sorted pairs: [(key: String, value: String)]) {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(pairs.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 8 })
      for (key, value) in pairs {
        Self.append(key, to: &bytes)
        Self.append(value, to: &bytes)
      }
      // Made at its exact size (appending to a string leaves spare capacity).
      storage = String(decoding: bytes, as: UTF8.self)
    }

    /// The facts of a ledger file's `facts` object. Each value goes from the file's bytes into
    /// the encoding without a string of its own when the keys come sorted, as the ledger writes
    /// them (reading every fact as a string first was a third of reading a large ledger); in
    /// any other order, or with a key twice, they are read as pairs (the last value counts).
    init(reading scanner: inout JSONScanner) throws {
      var bytes: [UInt8] = []
      var pairs: [(key: String, value: Range<Int>)] = []
      var sorted = true
      try scanner.readObject { scanner, key in
        if let last = pairs.last, !(last.key < key) { sorted = false }
        Self.append(key, to: &bytes)
        var value = 0..<0
        try scanner.readString { utf8 in
          Self.append(utf8, to: &bytes)
          value = bytes.count - utf8.count..<bytes.count
        }
        pairs.append((key, value))
      }
      guard sorted else {
        self.init(pairs.map { ($0.key, String(decoding: bytes[$0.value], as: UTF8.self)) })
        return
      }
      self.init(encoded: String(decoding: bytes, as: UTF8.self))
    }

    /// `LENGTH:TEXT`.
    private static func append(_ text: String, to bytes: inout [UInt8]) {
      var text = text
      text.withUTF8 { append($0, to: &bytes) }
    }

    /// `LENGTH:TEXT` of UTF-8 `text` (also how `LedgerTable.Builder.appendWritten` encodes
    /// the facts it reads).
    static func append(_ text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
      var scale = 1
      while scale * 10 <= text.count { scale *= 10 }
      while scale > 0 {
        bytes.append(UInt8(ascii: "0") + UInt8(text.count / scale % 10))
        scale /= 10
      }
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: text)
    }

    /// Whether there is none.
    public var isEmpty: Bool { storage.isEmpty }

    /// The fact `key`; setting nil removes it.
    public subscript(key: String) -> String? {
      get {
        var key = key
        return key.withUTF8 { wanted in
          firstPair { bytes, keyRange, valueRange in
            guard UnsafeBufferPointer(rebasing: bytes[keyRange]).elementsEqual(wanted) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self)
          }
        }
      }
      set {
        var pairs = filter { $0.key != key }
        if let newValue {
          let index = pairs.firstIndex { key < $0.key } ?? pairs.endIndex
          pairs.insert((key, newValue), at: index)
        }
        self = Facts(sorted: pairs)
      }
    }

    /// The pairs in key order.
    public func makeIterator() -> [(key: String, value: String)].Iterator {
      var pairs: [(key: String, value: String)] = []
      let _: Never? = firstPair { bytes, keyRange, valueRange in
        pairs.append(
          (
            String(decoding: UnsafeBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self),
            String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self)
          ))
        return nil
      }
      return pairs.makeIterator()
    }

    /// The first non-nil result of `body` for the pairs in key order, given the storage's
    /// bytes and the ranges of the pair's key and value in them.
    private func firstPair<R>(
      _ body: (UnsafeBufferPointer<UInt8>, Range<Int>, Range<Int>) -> R?
    ) -> R? {
      var storage = storage
      return storage.withUTF8 { bytes in
        var offset = 0
        func field() -> Range<Int>? {
          var length = 0
          while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if byte == UInt8(ascii: ":") {
              let start = offset
              offset += length
              return start..<offset
            }
            length = length * 10 + Int(byte &- UInt8(ascii: "0"))
          }
          return nil
        }
        while let keyRange = field(), let valueRange = field() {
          if let result = body(bytes, keyRange, valueRange) { return result }
        }
        return nil
      }
    }

    /// As a dictionary would print.
    public var description: String {
      let pairs = map { "\($0.key.debugDescription): \($0.value.debugDescription)" }
      return pairs.isEmpty ? "[:]" : "[" + pairs.joined(separator: ", ") + "]"
    }

    /// Encoded as a dictionary: a JSON object.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Decoded from a dictionary.
    public init(from decoder: any Decoder) throws {
      self.init(try decoder.singleValueContainer().decode([String: String].self))
    }
  }
}
