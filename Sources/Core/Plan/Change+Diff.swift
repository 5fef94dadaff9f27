extension Change {
  /// A change's human-readable diff: unified-diff style lines, kept in one buffer.
  ///
  /// A new file's diff is the whole file, a line at a time. As an array of strings, every
  /// line longer than 15 bytes was an allocation of its own; a first apply of thousands of
  /// unit files held MBs of them. Here the lines' ends come first (4 bytes each), then their
  /// UTF-8 one after the other: one allocation a diff, none for an empty one. It reads as an
  /// array of lines (a string is made when a line is read) and codes as one.
  public struct Diff: Sendable, Hashable, Codable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// Where each line ends in the text, as 4 little-endian bytes; then the text.
    private let storage: [UInt8]
    /// The number of lines.
    public let count: Int

    /// The diff made of `lines`.
    public init(_ lines: [String]) {
      var storage: [UInt8] = []
      if !lines.isEmpty {
        storage.reserveCapacity(lines.reduce(4 * lines.count) { $0 + $1.utf8.count })
        var end = 0
        for line in lines {
          end += line.utf8.count
          withUnsafeBytes(of: UInt32(end).littleEndian) { storage.append(contentsOf: $0) }
        }
        for line in lines { storage.append(contentsOf: line.utf8) }
      }
      self.storage = storage
      count = lines.count
    }

    public init(arrayLiteral lines: String...) { self.init(lines) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Line `index`.
    public subscript(index: Int) -> String {
      precondition(index >= 0 && index < count, "diff line index out of range")
      let text = 4 * count
      let start = index == 0 ? 0 : end(of: index - 1)
      return String(decoding: storage[(text + start)..<(text + end(of: index))], as: UTF8.self)
    }

    /// The offset in the text just after line `index`.
    private func end(of index: Int) -> Int {
      let at = 4 * index
      return Int(storage[at]) | Int(storage[at + 1]) << 8 | Int(storage[at + 2]) << 16 | Int(storage[at + 3]) << 24
    }

    /// Reads a JSON array of lines.
    public init(from decoder: Decoder) throws {
      self.init(try decoder.singleValueContainer().decode([String].self))
    }

    /// Writes a JSON array of lines.
    public func encode(to encoder: Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(Array(self))
    }
  }
}
