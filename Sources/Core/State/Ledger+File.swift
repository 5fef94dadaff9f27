/// The ledger's file, `ledger.json`, read and written by hand (no `JSONDecoder`, no
/// intermediate tree: the ledger of a host with thousands of accounts is megabytes).
///
/// Version 2, written now, is compact JSON with one entry per line, sorted by address:
///
///     {"version":2,"generation":"9f2c…",
///     "memory":{"users":{"uid:9999":"u00001"}},
///     "entries":[
///     {"address":"unit:a.service","plugin":"units","applied":"sha256:…","created":true,…},
///     …
///     ]}
///
/// An entry leaves out what it can: `declared` when it equals `applied` (most do), `facts`
/// when empty, `interrupted` unless true. Version 1 (pretty-printed, entries an object keyed
/// by address, every field present) is still read; the next write replaces it.
///
/// `generation` is a random name each write gives the file: the checkpoint journal names the
/// generation it was written against, so that a journal left over from before the ledger's
/// last write is recognised and ignored (see `LedgerJournal`).
extension Ledger {
  /// The version `store` writes.
  public static let currentVersion = 2

  /// Reads a ledger file of either version.
  init(file bytes: [UInt8]) throws {
    var generation = ""
    try self.init(file: bytes, generation: &generation)
  }

  /// Reads a ledger file of either version, and its generation ("" when it has none).
  init(file bytes: [UInt8], generation: inout String) throws {
    self.init()
    var scanner = JSONScanner(bytes)
    var version: Int?
    // Filled here and set once: setting `entries` makes the ledger's table.
    var read: [String: Entry] = [:]
    try scanner.readObject { scanner, key in
      switch key {
      case "version": version = try scanner.readInt()
      case "generation": generation = try scanner.readString()
      case "memory":
        try scanner.readObject { scanner, plugin in memory[plugin] = try scanner.readStringMap() }
      case "entries":
        // Version 2 has one entry a line: the table made at its size at once, not grown by
        // doubling (each step held the old table and the new).
        if version == Self.currentVersion { read.reserveCapacity(Self.lineCount(bytes)) }
        if scanner.peek() == UInt8(ascii: "{") {  // version 1: by address
          try scanner.readObject { scanner, address in
            read[address] = try Self.readEntry(&scanner).entry
          }
        } else {
          try scanner.readArray { scanner in
            let (address, entry) = try Self.readEntry(&scanner)
            guard let address else {
              throw JSONScanner.Error(offset: scanner.offset, reason: "an entry without address")
            }
            read[address] = entry
          }
        }
      default: try scanner.skipValue()
      }
    }
    guard scanner.atEnd() else {
      throw JSONScanner.Error(offset: scanner.offset, reason: "text after the ledger")
    }
    guard let version, version == 1 || version == Self.currentVersion else {
      throw JSONScanner.Error(
        offset: 0, reason: "an unknown ledger version \(version.map(String.init) ?? "(none)")")
    }
    self.version = version
    entries = read
  }

  /// The number of line ends in `bytes`, eight bytes at a time (a byte at a time cost five
  /// instructions a byte).
  static func lineCount(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBytes { raw in
      let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      var count = 0
      for word in 0..<raw.count / 8 {
        let x = raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
        // The top bit of each byte of x that is zero, and no other.
        count &+= (~(((x & low) &+ low) | x | low)).nonzeroBitCount
      }
      for i in raw.count / 8 * 8..<raw.count where raw[i] == UInt8(ascii: "\n") { count &+= 1 }
      return count
    }
  }

  /// One entry of either version (in version 1 the address is the member's key, not a field,
  /// and `declared` is always present).
  static func readEntry(
    _ scanner: inout JSONScanner
  ) throws -> (
    address: String?, entry: Entry
  ) {
    var address: String?
    var plugin: String?
    var applied: String?
    var declared: String?
    var created: Bool?
    var facts = Facts()
    var interrupted: Bool?
    let start = scanner.offset
    try scanner.readObject { scanner, key in
      switch key {
      case "address": address = try scanner.readString()
      case "plugin": plugin = try scanner.readString()
      case "applied": applied = try scanner.readString()
      case "declared": declared = try scanner.readString()
      case "created": created = try scanner.readBool()
      case "facts": facts = try Facts(reading: &scanner)
      case "interrupted": interrupted = scanner.readNull() ? nil : try scanner.readBool()
      default: try scanner.skipValue()
      }
    }
    guard let plugin, let applied, let created else {
      throw JSONScanner.Error(offset: start, reason: "an entry without plugin, applied or created")
    }
    var entry = Entry(
      plugin: plugin, applied: applied, declared: declared ?? applied, created: created, facts: facts)
    entry.interrupted = interrupted
    return (address, entry)
  }

  /// The file's bytes in the current version, naming `generation`, handed to `write` in
  /// pieces of about `pieceSize` bytes: the ledger of a large host (8 MB at 5,000 users) is
  /// written without being held whole beside itself.
  func writeFile(
    generation: String = Ledger.newGeneration(), pieceSize: Int = 1 << 16,
    _ write: ([UInt8]) throws -> Void
  ) rethrows {
    var out: [UInt8] = []
    out.reserveCapacity(pieceSize + 4096)
    out.append(contentsOf: #"{"version":\#(Self.currentVersion),"generation":"#.utf8)
    Self.append(generation, to: &out)
    out.append(UInt8(ascii: ","))
    out.append(contentsOf: "\n\"memory\":{".utf8)
    for (i, plugin) in memory.keys.sorted().enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      Self.append(plugin, to: &out)
      out.append(UInt8(ascii: ":"))
      Self.append(memory[plugin] ?? [:], to: &out)
    }
    out.append(contentsOf: "},\n\"entries\":[".utf8)
    var first = true
    try forEachSorted { address, entry in
      out.append(contentsOf: (first ? "\n" : ",\n").utf8)
      first = false
      out.append(contentsOf: #"{"address":"#.utf8)
      Self.append(address, to: &out)
      out.append(contentsOf: #","plugin":"#.utf8)
      Self.append(entry.plugin, to: &out)
      out.append(contentsOf: #","applied":"#.utf8)
      Self.append(entry.applied, to: &out)
      if entry.declared != entry.applied {
        out.append(contentsOf: #","declared":"#.utf8)
        Self.append(entry.declared, to: &out)
      }
      out.append(contentsOf: (entry.created ? #","created":true"# : #","created":false"#).utf8)
      if !entry.facts.isEmpty {
        out.append(contentsOf: #","facts":{"#.utf8)
        for (i, (key, value)) in entry.facts.enumerated() {  // in key order
          if i > 0 { out.append(UInt8(ascii: ",")) }
          Self.append(key, to: &out)
          out.append(UInt8(ascii: ":"))
          Self.append(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
      }
      if entry.interrupted == true { out.append(contentsOf: #","interrupted":true"#.utf8) }
      out.append(UInt8(ascii: "}"))
      if out.count >= pieceSize {
        try write(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    out.append(contentsOf: "\n]}\n".utf8)
    try write(out)
  }

  private static func append(_ map: [String: String], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    for (i, key) in map.keys.sorted().enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      append(key, to: &out)
      out.append(UInt8(ascii: ":"))
      append(map[key] ?? "", to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  private static func needsEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
  }

  /// A new random generation name: 128 bits in hex.
  static func newGeneration() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in
      let text = String(generator.next() as UInt64, radix: 16)
      return String(repeating: "0", count: 16 - text.count) + text
    }.joined()
  }

  /// `text` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`, the rest
  /// (slashes and non-ASCII included) as is.
  static func append(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Nearly every string needs no escape.
    if !text.utf8.contains(where: needsEscape) {
      out.append(contentsOf: text.utf8)
      out.append(UInt8(ascii: "\""))
      return
    }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        out.append(UInt8(ascii: "\\"))
        out.append(byte)
      case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case ..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
