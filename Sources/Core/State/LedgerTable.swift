/// Ledger entries held compactly, as read from the ledger file: every entry's texts in one
/// buffer of bytes, a fixed-size record per entry sorted by address, and a hash table of
/// record numbers. An entry is made (`Ledger.Entry`) only when asked for.
///
/// A ledger of 33,000 entries (5,000 users) held as a dictionary of entries was 14 MB: each
/// entry's address, fingerprints and facts were objects of their own, scattered over the
/// heap, and reading them back in a later phase of the run missed the caches. Here the same
/// entries take about half as much, in three allocations, in address order.
///
/// Immutable once made: a `Ledger` keeps the changes made to it beside its table.
final class LedgerTable: Sendable {
  /// Where a text lies in `bytes`.
  struct Span: Equatable {
    var offset: UInt32
    var count: UInt32

    /// Its bytes in `text`.
    func slice(of text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: text[Int(offset)..<Int(offset + count)])
    }
  }

  /// One entry.
  struct Record {
    var address: Span
    var applied: Span
    var declared: Span
    /// The facts' encoding (`Ledger.Facts.encoded`).
    var facts: Span
    /// The length of the address's kind (the bytes before its first colon; all of an address
    /// without one).
    var kindCount: UInt32
    /// Index in `plugins`.
    var plugin: UInt16
    var created: Bool
    /// `Entry.interrupted`: 0 nil, 1 false, 2 true.
    var interrupted: UInt8
  }

  /// The entries' texts.
  private let bytes: [UInt8]
  /// Sorted by address (kind, then name, as `Address` sorts), addresses unique.
  private let records: [Record]
  /// The plugins' names.
  private let plugins: [String]
  /// Open addressing, linear probing: a record number, or -1.
  private let slots: [Int32]
  /// Per plugin, its kinds in order, each with its records in address order.
  private let byPlugin: [String: [(kind: String, positions: [Int32])]]

  /// No entries.
  static let empty = LedgerTable(builder: Builder())

  /// The number of entries.
  var count: Int { records.count }

  /// The entries of `entries`.
  convenience init(_ entries: [String: Ledger.Entry]) {
    var builder = Builder()
    builder.reserve(entries: entries.count, bytes: 0)
    for (address, entry) in entries { builder.append(address: address, entry: entry) }
    // Keys of a dictionary are unique.
    self.init(builder: builder)
  }

  /// The table of `builder`'s entries; nil when an address was given twice.
  static func make(_ builder: Builder) -> LedgerTable? {
    let table = LedgerTable(builder: builder)
    return table.records.count == builder.records.count ? table : nil
  }

  /// Sorts the builder's records, drops all but the last of a repeated address, and indexes
  /// them.
  private init(builder: Builder) {
    bytes = builder.bytes
    plugins = builder.plugins
    let sorted = Self.sorted(builder.records, in: bytes)
    records = sorted
    slots = Self.slots(for: sorted, in: bytes)
    byPlugin = Self.index(sorted, plugins: plugins, in: bytes)
  }

  /// `records` in address order, of a repeated address the last given only. Written by
  /// `Ledger.writeFile` in order, a ledger's are only checked: kept as they are, not copied.
  private static func sorted(_ records: [Record], in bytes: [UInt8]) -> [Record] {
    bytes.withUnsafeBufferPointer { text in
      let inOrder = records.withUnsafeBufferPointer { records in
        zip(records, records.dropFirst()).allSatisfy { compare($0, $1, text) < 0 }
      }
      if inOrder { return records }
      // Stable: of a repeated address the last given comes last, and is kept.
      let order = records.indices.sorted {
        let order = compare(records[$0], records[$1], text)
        return order != 0 ? order < 0 : $0 < $1
      }
      var kept: [Record] = []
      kept.reserveCapacity(order.count)
      for index in order {
        let record = records[index]
        if let last = kept.last, compare(last, record, text) == 0 {
          kept[kept.count - 1] = record
        } else {
          kept.append(record)
        }
      }
      return kept
    }
  }

  /// The record number of `address`.
  func find(_ address: Address) -> Int? {
    guard !records.isEmpty else { return nil }
    var kind = address.kind
    var name = address.name
    return kind.withUTF8 { kind in
      name.withUTF8 { name in
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(kind))
        withUnsafeBytes(of: UInt8(ascii: ":")) { hasher.combine(bytes: $0) }
        hasher.combine(bytes: UnsafeRawBufferPointer(name))
        return lookUp(hasher.finalize()) { text in
          text.count == kind.count + 1 + name.count
            && text.prefix(kind.count).elementsEqual(kind) && text[kind.count] == UInt8(ascii: ":")
            && text.suffix(name.count).elementsEqual(name)
        }
      }
    }
  }

  /// The record number of the address written `key`.
  func find(key: String) -> Int? {
    guard !records.isEmpty else { return nil }
    var key = key
    return key.withUTF8 { key in
      lookUp(Self.hash(key)) { $0.elementsEqual(key) }
    }
  }

  /// The entry of record `position`.
  func entry(at position: Int) -> Ledger.Entry {
    let record = records[position]
    let applied = text(record.applied)
    var entry = Ledger.Entry(
      plugin: plugins[Int(record.plugin)], applied: applied,
      declared: record.declared == record.applied ? applied : text(record.declared),
      created: record.created, facts: Ledger.Facts(encoded: text(record.facts)))
    entry.interrupted = record.interrupted == 0 ? nil : record.interrupted == 2
    return entry
  }

  /// The address of record `position`, written `kind:name`.
  func key(at position: Int) -> String { text(records[position].address) }

  /// The plugin of record `position`.
  func plugin(at position: Int) -> String { plugins[Int(records[position].plugin)] }

  /// The address of record `position`.
  func address(at position: Int) -> Address {
    let record = records[position]
    return Address(text(Span(offset: record.address.offset, count: record.kindCount)), name(of: record))
  }

  /// `plugin`'s record numbers, of every kind or of `kind`, in address order.
  func positions(of plugin: String, kind: String?) -> [Int32] {
    let groups = byPlugin[plugin] ?? []
    guard let kind else { return groups.count == 1 ? groups[0].positions : groups.flatMap(\.positions) }
    return groups.first { $0.kind == kind }?.positions ?? []
  }

  /// `plugin`'s addresses, of every kind or of `kind`, in order (each kind's text shared by
  /// its addresses).
  func addresses(of plugin: String, kind: String?) -> [Address] {
    var result: [Address] = []
    for group in byPlugin[plugin] ?? [] where kind == nil || group.kind == kind {
      result.reserveCapacity(result.count + group.positions.count)
      for position in group.positions {
        result.append(Address(group.kind, name(of: records[Int(position)])))
      }
    }
    return result
  }

  /// Every record number, in address order.
  var positions: Range<Int> { records.indices }

  /// What follows the first colon of the record's address.
  private func name(of record: Record) -> String {
    guard record.kindCount < record.address.count else { return "" }
    return text(
      Span(offset: record.address.offset + record.kindCount + 1, count: record.address.count - record.kindCount - 1))
  }

  private func text(_ span: Span) -> String {
    bytes.withUnsafeBufferPointer { String(decoding: span.slice(of: $0), as: UTF8.self) }
  }

  /// The record whose address hashes to `hash` and whose address text `matches`.
  private func lookUp(_ hash: Int, _ matches: (UnsafeBufferPointer<UInt8>) -> Bool) -> Int? {
    let mask = slots.count - 1
    return bytes.withUnsafeBufferPointer { text in
      var slot = hash & mask
      while true {
        let position = slots[slot]
        if position < 0 { return nil }
        if matches(records[Int(position)].address.slice(of: text)) {
          return Int(position)
        }
        slot = (slot + 1) & mask
      }
    }
  }

  private static func hash(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    var hasher = Hasher()
    hasher.combine(bytes: UnsafeRawBufferPointer(text))
    return hasher.finalize()
  }

  /// A table at most half full.
  private static func slots(for records: [Record], in bytes: [UInt8]) -> [Int32] {
    var capacity = 16
    while capacity < records.count * 2 { capacity *= 2 }
    var slots = [Int32](repeating: -1, count: capacity)
    bytes.withUnsafeBufferPointer { text in
      for (position, record) in records.enumerated() {
        var slot = hash(record.address.slice(of: text)) & (capacity - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
        slots[slot] = Int32(position)
      }
    }
    return slots
  }

  private static func index(
    _ records: [Record], plugins: [String], in bytes: [UInt8]
  ) -> [String: [(kind: String, positions: [Int32])]] {
    var byPlugin: [[(kind: String, positions: [Int32])]] = Array(repeating: [], count: plugins.count)
    var kind = ""
    var kindSpan = Span(offset: 0, count: 0)
    bytes.withUnsafeBufferPointer { text in
      for (position, record) in records.enumerated() {
        let span = Span(offset: record.address.offset, count: record.kindCount)
        if position == 0 || !span.slice(of: text).elementsEqual(kindSpan.slice(of: text)) {
          kind = String(decoding: span.slice(of: text), as: UTF8.self)
          kindSpan = span
        }
        let plugin = Int(record.plugin)
        if byPlugin[plugin].last?.kind != kind { byPlugin[plugin].append((kind, [])) }
        byPlugin[plugin][byPlugin[plugin].count - 1].positions.append(Int32(position))
      }
    }
    return Dictionary(uniqueKeysWithValues: zip(plugins, byPlugin))
  }

  /// Whether the address written `a` comes before the one written `b` in a table's order.
  static func precedes(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { a in b.withUTF8 { b in compare(a, b, kindCounts: (kindCount(a), kindCount(b))) < 0 } }
  }

  /// The length of an address's kind: its bytes before the first colon (all without one).
  private static func kindCount(_ address: UnsafeBufferPointer<UInt8>) -> Int {
    address.firstIndex(of: UInt8(ascii: ":")) ?? address.count
  }

  /// Orders two addresses' texts: kind, then name, each by its bytes; `kind` before `kind:`.
  private static func compare(
    _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, kindCounts: (Int, Int)
  ) -> Int {
    func part(_ text: UnsafeBufferPointer<UInt8>, _ kindCount: Int, kind: Bool) -> UnsafeBufferPointer<UInt8> {
      kind
        ? UnsafeBufferPointer(rebasing: text[..<kindCount])
        : UnsafeBufferPointer(rebasing: text[min(kindCount + 1, text.count)...])
    }
    let kinds = compare(part(a, kindCounts.0, kind: true), part(b, kindCounts.1, kind: true))
    if kinds != 0 { return kinds }
    let names = compare(part(a, kindCounts.0, kind: false), part(b, kindCounts.1, kind: false))
    return names != 0 ? names : a.count - b.count
  }

  /// Orders two records by address: kind, then name, each by its bytes.
  private static func compare(_ a: Record, _ b: Record, _ text: UnsafeBufferPointer<UInt8>) -> Int {
    compare(a.address.slice(of: text), b.address.slice(of: text), kindCounts: (Int(a.kindCount), Int(b.kindCount)))
  }

  private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
    return a.count - b.count
  }

  /// Collects entries for a table.
  struct Builder {
    /// The entries' texts so far (a reader of ledger lines appends to it, `+WrittenLine`).
    var bytes: [UInt8] = []
    var records: [Record] = []
    fileprivate var plugins: [String] = []
    private var pluginNumbers: [String: UInt16] = [:]

    /// Makes room for `entries` entries and `bytes` bytes of their texts.
    mutating func reserve(entries: Int, bytes count: Int) {
      records.reserveCapacity(entries)
      bytes.reserveCapacity(count)
    }

    /// Adds an entry (of an address given twice, the last counts).
    mutating func append(address: String, entry: Ledger.Entry) {
      let plugin = number(ofPlugin: entry.plugin)
      let facts = add(entry.facts.encoded)
      var (address, applied, declared) = (address, entry.applied, entry.declared)
      address.withUTF8 { address in
        applied.withUTF8 { applied in
          declared.withUTF8 { declared in
            append(
              address: address, applied: applied, declared: declared, facts: facts, plugin: plugin,
              created: entry.created, interrupted: entry.interrupted.map { $0 ? 2 : 1 } ?? 0)
          }
        }
      }
    }

    /// Adds a record of UTF-8 texts, with `facts` already in `bytes`: a `declared` equal to
    /// `applied` (most are) shares its span, and the kind's length is counted to the address's
    /// first colon.
    mutating func append(
      address: UnsafeBufferPointer<UInt8>, applied: UnsafeBufferPointer<UInt8>,
      declared: UnsafeBufferPointer<UInt8>, facts: Span, plugin: UInt16, created: Bool, interrupted: UInt8
    ) {
      let addressSpan = add(address)
      let appliedSpan = add(applied)
      records.append(
        Record(
          address: addressSpan, applied: appliedSpan,
          declared: declared.elementsEqual(applied) ? appliedSpan : add(declared), facts: facts,
          kindCount: UInt32(address.firstIndex(of: UInt8(ascii: ":")) ?? address.count), plugin: plugin,
          created: created, interrupted: interrupted))
    }

    /// The index of `plugin` in `plugins`, added when new.
    private mutating func number(ofPlugin plugin: String) -> UInt16 {
      if let known = pluginNumbers[plugin] { return known }
      let number = UInt16(plugins.count)
      plugins.append(plugin)
      pluginNumbers[plugin] = number
      return number
    }

    /// The index of the plugin named by UTF-8 `name`: a table has a handful, compared on their
    /// bytes (no string is made unless the name is new).
    mutating func number(ofPlugin name: UnsafeBufferPointer<UInt8>) -> UInt16 {
      for (number, plugin) in plugins.enumerated() where plugin.utf8.elementsEqual(name) {
        return UInt16(number)
      }
      return number(ofPlugin: String(decoding: name, as: UTF8.self))
    }

    private mutating func add(_ text: String) -> Span {
      let offset = UInt32(bytes.count)
      bytes.append(contentsOf: text.utf8)
      return Span(offset: offset, count: UInt32(bytes.count) - offset)
    }

    /// Adds UTF-8 `text` to `bytes`.
    private mutating func add(_ text: UnsafeBufferPointer<UInt8>) -> Span {
      let offset = UInt32(bytes.count)
      bytes.append(contentsOf: text)
      return Span(offset: offset, count: UInt32(bytes.count) - offset)
    }
  }
}
