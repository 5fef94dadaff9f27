import SystemCalls

/// Reads `ledger.json` a piece at a time, so that a large ledger's bytes are never held whole
/// beside the ledger being built from them (at 5,000 users the file is 8 MB: it was the peak
/// of every run's memory).
///
/// The file as `Ledger.writeFile` lays it out (version 2, one entry a line) is read line by
/// line: the header lines up to `"entries":[`, then each entry's line, then `]}`. Anything
/// else (a version 1 ledger, a file reformatted by hand, a damaged one) is read whole and
/// parsed as before, so what is accepted, and every error, is the same either way.
enum LedgerFileReader {
  /// The size of each read.
  static let pieceSize = 1 << 16

  /// The ledger in `file`, and its generation.
  static func read(
    _ file: borrowing RootedFileSystem.FileReader
  ) throws -> (ledger: Ledger, generation: String) {
    if let streamed = try streamed(file) { return streamed }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(file.size)
    try pieces(of: file) {
      bytes.append(contentsOf: $0)
      return true
    }
    var generation = ""
    let ledger = try Ledger(file: bytes, generation: &generation)
    return (ledger, generation)
  }

  /// The entries of the ledger in `file` that have the fact `key`; the others are not
  /// parsed, nor kept (a line that does not hold `"KEY":` cannot have it). For a few entries
  /// of a large ledger, read before the run needs the rest (the image archives' recorded
  /// fingerprints, while the repository is loaded).
  static func entries(
    _ file: borrowing RootedFileSystem.FileReader, withFact key: String
  ) throws -> [String: Ledger.Entry] {
    let needle = Array("\"\(key)\":".utf8)
    let streamed = try streamed(file) { line in holds(line, needle) }
    let entries = try streamed?.ledger.entries ?? read(file).ledger.entries
    return entries.filter { $0.value.facts[key] != nil }
  }

  /// Whether `line` holds `needle` (short, not empty).
  private static func holds(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, line.count >= needle.count else { return false }
    var index = line.startIndex
    let last = line.endIndex - needle.count
    while index <= last {
      if line[index] == first, line[index..<index + needle.count].elementsEqual(needle) {
        return true
      }
      index += 1
    }
    return false
  }

  /// The file read line by line; nil when it is not laid out as `writeFile` lays it out.
  /// With `keeping`, only the entry lines it accepts are parsed (their table is made for
  /// those alone).
  static func streamed(
    _ file: borrowing RootedFileSystem.FileReader,
    keeping: ((ArraySlice<UInt8>) -> Bool)? = nil
  ) throws -> (ledger: Ledger, generation: String)? {
    let start = try file.read(at: 0, count: 64)
    guard start.starts(with: #"{"version":2,"generation":"#.utf8) else { return nil }
    // Counted first, so that the table is made at its size (grown by doubling, each step
    // held the old table beside the new).
    var lines = 0
    if keeping == nil {
      try pieces(of: file) {
        lines += Ledger.lineCount($0)
        return true
      }
    }
    var parser = LineParser(expectedEntries: lines, size: keeping == nil ? file.size : 0, keeping: keeping)
    var carried: [UInt8] = []
    var failed = false
    try pieces(of: file) { piece in
      var lineStart = 0
      while let end = Self.lineEnd(in: piece, from: lineStart) {
        if carried.isEmpty {
          failed = !parser.take(piece[lineStart..<end])
        } else {
          carried.append(contentsOf: piece[lineStart..<end])
          failed = !parser.take(carried[...])
          carried.removeAll(keepingCapacity: true)
        }
        // Not the layout: the rest is not read (the caller reads the file whole).
        if failed { return false }
        lineStart = end + 1
      }
      carried.append(contentsOf: piece[lineStart...])
      return true
    }
    guard !failed, carried.isEmpty else { return nil }
    return parser.finish()
  }

  /// The index of the first newline in `piece` from `start`; nil when there is none.
  private static func lineEnd(in piece: [UInt8], from start: Int) -> Int? {
    piece.withUnsafeBufferPointer { bytes in
      ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: UnsafeBufferPointer(rebasing: bytes[start...]))
        .map { start + $0 }
    }
  }

  /// Hands `body` the file's bytes in order, `pieceSize` at a time, until the end or until
  /// `body` returns false.
  private static func pieces(
    of file: borrowing RootedFileSystem.FileReader, _ body: ([UInt8]) throws -> Bool
  ) throws {
    var offset = 0
    while true {
      let piece = try file.read(at: offset, count: pieceSize)
      if piece.isEmpty { return }
      guard try body(piece) else { return }
      offset += piece.count
    }
  }

  /// The state of a line-by-line read.
  private struct LineParser {
    private enum Stage { case header, entries, end }
    private var stage = Stage.header
    private var header: [UInt8] = []
    private var entries = LedgerTable.Builder()
    private var entryLines = 0
    private let keeping: ((ArraySlice<UInt8>) -> Bool)?
    /// Whether the last entry line ended with the comma that announces another.
    private var moreAnnounced = false

    /// `size`: the file's, which its entries' texts do not exceed (made room for at once, the
    /// pages that stay unused are never touched).
    init(expectedEntries: Int, size: Int, keeping: ((ArraySlice<UInt8>) -> Bool)?) {
      entries.reserve(entries: expectedEntries, bytes: size)
      self.keeping = keeping
    }

    /// Takes one line (without its newline); false when it is not what the layout has next.
    mutating func take(_ line: ArraySlice<UInt8>) -> Bool {
      switch stage {
      case .header:
        header.append(contentsOf: line)
        header.append(UInt8(ascii: "\n"))
        if line.elementsEqual(#""entries":["#.utf8) { stage = .entries }
        return header.count <= 16 << 20
      case .entries:
        if line.elementsEqual("]}".utf8) {
          stage = .end
          return !moreAnnounced
        }
        guard moreAnnounced || entryLines == 0 else { return false }
        entryLines += 1
        var text = line
        moreAnnounced = text.last == UInt8(ascii: ",")
        if moreAnnounced { text = text.dropLast() }
        if let keeping, !keeping(text) { return true }
        if entries.appendWritten(text) { return true }
        var scanner = JSONScanner(Array(text))
        guard let (address, entry) = try? Ledger.readEntry(&scanner),
          let address, scanner.atEnd()
        else { return false }
        entries.append(address: address, entry: entry)
        return true
      case .end:
        return false
      }
    }

    /// The ledger, when the read ended after `]}` and gave no address twice.
    func finish() -> (ledger: Ledger, generation: String)? {
      guard stage == .end else { return nil }
      var generation = ""
      guard let header = try? Ledger(file: header + Array("]}".utf8), generation: &generation),
        header.version == Ledger.currentVersion, header.entries.isEmpty,
        let table = LedgerTable.make(entries)
      else { return nil }
      var ledger = Ledger(table: table)
      ledger.version = header.version
      ledger.memory = header.memory
      return (ledger, generation)
    }
  }
}
