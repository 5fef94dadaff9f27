/// reconcile's memory of the host, kept in the state directory (`ledger.json`): every
/// resource it created or manages, with a fingerprint of what it last wrote and of what the
/// repository declared then. It tells drift (the host changed) from a repository change, and
/// lets reconcile prune only what it created.
public struct Ledger: Sendable, Codable, Equatable {
  /// One managed resource.
  public struct Entry: Sendable, Codable, Equatable {
    /// The plugin that manages it.
    public var plugin: String
    /// Fingerprint of the host state reconcile left (what it last wrote).
    public var applied: String
    /// Fingerprint of the declaration it last applied.
    public var declared: String
    /// Plugin-specific facts to remember (e.g. an allocated UID), kept across runs.
    public var facts: Facts
    /// True when reconcile created the resource; false when it adopted an existing one.
    public var created: Bool
    /// True for the entry written just before reconcile creates the resource, until the
    /// plugin's own entry replaces it: when a run is killed in between, the next run knows
    /// that the resource it finds may be its own (see `interrupted(plugin:)`).
    public var interrupted: Bool?

    // The two flags last: an entry is 72 bytes, not 80 (tens of thousands are held).
    private enum CodingKeys: String, CodingKey {
      case plugin, applied, declared, created, facts, interrupted
    }

    public init(plugin: String, applied: String, declared: String, created: Bool, facts: Facts = [:]) {
      self.plugin = plugin
      self.applied = applied
      self.declared = declared
      self.created = created
      self.facts = facts
    }

    /// The entry recorded, durably, before a resource is created: it claims the resource as
    /// reconcile's, with no fingerprints yet. `ChangeClassifier` treats a resource found under
    /// it as reconcile's own creation, left unfinished.
    public static func interrupted(plugin: String) -> Entry {
      var entry = Entry(plugin: plugin, applied: "", declared: "", created: true)
      entry.interrupted = true
      return entry
    }
  }

  /// The format of the file it was read from (`currentVersion` for a new ledger); `store`
  /// writes `currentVersion`.
  public var version = Ledger.currentVersion
  /// Facts that outlive resources (e.g. UIDs once allocated, never to be reused), by plugin.
  public var memory: [String: [String: String]] = [:]

  /// The entries as read, never changed in place: held compactly, each made when asked for.
  private var table = LedgerTable.empty
  /// Entries set since, by address: new, or in place of the table's.
  private var changed: [String: Entry] = [:] {
    didSet { changedIndex = LedgerAddressIndex() }
  }
  /// The table's entries removed since.
  private var removed: Set<String> = []
  /// Each plugin's addresses among `changed`, made when first asked for after it changed.
  private var changedIndex = LedgerAddressIndex()

  private enum CodingKeys: String, CodingKey {
    case version, entries, memory
  }

  public init() {}

  /// A ledger of `table`'s entries.
  init(table: LedgerTable) {
    self.table = table
  }

  /// Every entry, by address. Made whole when read, and replacing every entry when set:
  /// runs read and change entries one at a time, through the subscript.
  public var entries: [String: Entry] {
    get {
      var all: [String: Entry] = [:]
      all.reserveCapacity(table.count + changed.count)
      for position in table.positions {
        let key = table.key(at: position)
        if !replaced(key) { all[key] = table.entry(at: position) }
      }
      all.merge(changed) { $1 }
      return all
    }
    set {
      table = LedgerTable(newValue)
      changed = [:]
      removed = []
    }
  }

  /// The entry for `address`.
  public subscript(address: Address) -> Entry? {
    get {
      if !changed.isEmpty || !removed.isEmpty {
        let key = address.description
        if let entry = changed[key] { return entry }
        if removed.contains(key) { return nil }
      }
      return table.find(address).map(table.entry(at:))
    }
    set { set(address.description, newValue) }
  }

  /// The entry whose address is written `key`.
  func entry(key: String) -> Entry? {
    if let entry = changed[key] { return entry }
    if removed.contains(key) { return nil }
    return table.find(key: key).map(table.entry(at:))
  }

  /// Sets (or, with nil, removes) the entry whose address is written `key`.
  mutating func set(_ key: String, _ entry: Entry?) {
    if let entry {
      changed[key] = entry
      if !removed.isEmpty { removed.remove(key) }
      return
    }
    if changed.index(forKey: key) != nil { changed[key] = nil }
    if table.find(key: key) != nil { removed.insert(key) }
  }

  /// Makes room for `count` entries set after reading (a first apply sets thousands).
  mutating func reserveCapacity(_ count: Int) {
    changed.reserveCapacity(changed.count + count)
  }

  /// The addresses managed by `plugin`, sorted.
  public func addresses(of plugin: String) -> [Address] {
    addresses(of: plugin, kind: nil)
  }

  /// The addresses of `kind` managed by `plugin`, sorted: as `addresses(of:)` filtered by
  /// kind, without making the others.
  public func addresses(of plugin: String, kind: String?) -> [Address] {
    let read = table.addresses(of: plugin, kind: kind)
    if changed.isEmpty && removed.isEmpty { return read }
    var all = read.filter { !replaced($0.description) }
    all += changedIndex.addresses(of: plugin, kind: kind, in: changed)
    all.sort()
    return all
  }

  /// The entries `plugin` manages, with their addresses, sorted by address; of `kind` only
  /// when given. As `addresses(of:)` with each entry looked up, without the lookups; each
  /// entry is made when read.
  public func entries(of plugin: String, kind: String? = nil) -> EntryList {
    if changed.isEmpty && removed.isEmpty {
      return EntryList(table: table, positions: table.positions(of: plugin, kind: kind))
    }
    let read = table.positions(of: plugin, kind: kind).filter { !replaced(table.key(at: Int($0))) }
    var all = read.map { (address: table.address(at: Int($0)), entry: table.entry(at: Int($0))) }
    all += changedIndex.entries(of: plugin, kind: kind, in: changed)
    all.sort { $0.address < $1.address }
    return EntryList(made: all)
  }

  /// Entries with their addresses, in address order (`entries(of:kind:)`).
  public struct EntryList: RandomAccessCollection, Sendable {
    private let table: LedgerTable
    private let positions: [Int32]
    private let made: [(address: Address, entry: Entry)]

    init(table: LedgerTable, positions: [Int32]) {
      self.table = table
      self.positions = positions
      made = []
    }

    init(made: [(address: Address, entry: Entry)]) {
      table = .empty
      positions = []
      self.made = made
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { made.isEmpty ? positions.count : made.count }

    public subscript(index: Int) -> (address: Address, entry: Entry) {
      guard made.isEmpty else { return made[index] }
      let position = Int(positions[index])
      return (table.address(at: position), table.entry(at: position))
    }
  }

  /// Whether the table's entry `key` was set or removed since the table was read.
  private func replaced(_ key: String) -> Bool {
    changed.index(forKey: key) != nil || removed.contains(key)
  }

  /// Calls `body` with every entry and its address, in address order.
  func forEachSorted(_ body: (String, Entry) throws -> Void) rethrows {
    // The keys alone, sorted as the table is: a first apply sets every entry, and a copy of
    // each with its parsed address was a second ledger at the apply's end.
    let extra = changed.keys.sorted(by: LedgerTable.precedes)
    var next = 0
    for position in table.positions {
      let key = table.key(at: position)
      while next < extra.count, LedgerTable.precedes(extra[next], key) {
        try body(extra[next], changed[extra[next]]!)
        next += 1
      }
      if replaced(key) { continue }
      try body(key, table.entry(at: position))
    }
    for key in extra[next...] { try body(key, changed[key]!) }
  }

  public static func == (a: Ledger, b: Ledger) -> Bool {
    a.version == b.version && a.memory == b.memory && a.sameEntries(as: b)
  }

  /// Whether the two hold the same entries.
  private func sameEntries(as other: Ledger) -> Bool {
    guard table === other.table else { return entries == other.entries }
    // Read from the same table: only what either changed since can differ.
    for (key, entry) in changed where other.entry(key: key) != entry { return false }
    for key in removed where other.entry(key: key) != nil { return false }
    for (key, entry) in other.changed where self.entry(key: key) != entry { return false }
    for key in other.removed where entry(key: key) != nil { return false }
    return true
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    version = try container.decode(Int.self, forKey: .version)
    memory = try container.decode([String: [String: String]].self, forKey: .memory)
    entries = try container.decode([String: Entry].self, forKey: .entries)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(version, forKey: .version)
    try container.encode(entries, forKey: .entries)
    try container.encode(memory, forKey: .memory)
  }

  static let path = "ledger.json"

  /// Reads the ledger from `stateDirectory` (with a killed run's journal replayed, see
  /// `open`); empty when there is none yet.
  public static func load(from fs: RootedFileSystem, stateDirectory: HostPath) throws -> Ledger {
    try open(from: fs, stateDirectory: stateDirectory).ledger
  }

  /// Writes the ledger atomically (root-only) in the current version, unless it is unchanged
  /// from `previous` (a ledger in an older version is rewritten by the next run that changes
  /// something).
  public func store(in fs: RootedFileSystem, stateDirectory: HostPath, previous: Ledger?) throws {
    guard !sameContents(as: previous) else { return }
    // Missing parents (/var/lib on a bare root) are ordinary folders; only the last is private.
    try fs.makeFolders(stateDirectory.parent)
    try fs.makeFolders(stateDirectory, mode: 0o700)
    try fs.write(stateDirectory.child(Ledger.path), mode: 0o600) { try writeFile($0) }
  }

  /// Equal entries and memory (the version a ledger was read in does not count).
  private func sameContents(as other: Ledger?) -> Bool {
    guard let other else { return false }
    return memory == other.memory && sameEntries(as: other)
  }
}
