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
  /// Entries by address.
  public var entries: [String: Entry] = [:] {
    didSet { addressIndex = LedgerAddressIndex() }
  }
  /// Facts that outlive resources (e.g. UIDs once allocated, never to be reused), by plugin.
  public var memory: [String: [String: String]] = [:]

  /// Each plugin's addresses, made when first asked for after `entries` changed.
  private var addressIndex = LedgerAddressIndex()

  private enum CodingKeys: String, CodingKey {
    case version, entries, memory
  }

  public init() {}

  public static func == (a: Ledger, b: Ledger) -> Bool {
    a.version == b.version && a.entries == b.entries && a.memory == b.memory
  }

  /// The entry for `address`.
  public subscript(address: Address) -> Entry? {
    get { entries[address.description] }
    set { entries[address.description] = newValue }
  }

  /// The addresses managed by `plugin`, sorted.
  public func addresses(of plugin: String) -> [Address] {
    addressIndex.addresses(of: plugin, in: entries)
  }

  /// The addresses of `kind` managed by `plugin`, sorted: as `addresses(of:)` filtered by
  /// kind, without making the others.
  public func addresses(of plugin: String, kind: String) -> [Address] {
    addressIndex.addresses(of: plugin, kind: kind, in: entries)
  }

  /// The entries `plugin` manages, with their addresses, sorted by address; of `kind` only
  /// when given. As `addresses(of:)` with each entry looked up, without the lookups.
  public func entries(of plugin: String, kind: String? = nil) -> [(address: Address, entry: Entry)] {
    addressIndex.entries(of: plugin, kind: kind, in: entries)
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
    return entries == other.entries && memory == other.memory
  }
}
