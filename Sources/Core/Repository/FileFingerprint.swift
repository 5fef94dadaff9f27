/// The SHA-256 fingerprint of a file of a `StateTree`, with the identity the file had while
/// it was read (`StateTree.read`), when the tree gives one that may be trusted later.
///
/// Recorded in the ledger (`Ledger.Facts.record(_:of:)`) by a run that changes something, it
/// lets later runs use the fingerprint without reading the file while the file shows the same
/// identity (`HostDeclarations.fingerprint(of:limit:plugin:)`). A git blob id is the
/// content's own hash. A `FileStamp` is kept only when the file's last change was safely
/// older than the moment its reading began (`DirectoryTree.racyWindow`): any later change
/// then gets a later status change time, so a stamp can never be the same with other bytes.
public struct FileFingerprint: Sendable, Hashable, CustomStringConvertible {
  /// `sha256:HEX` of the bytes.
  public var sha256: String
  /// The number of bytes.
  public var size: Int
  /// The file's identity while it was read; nil when there is none to trust (a file changed
  /// just before or while it was read, or a tree without identities).
  public var identity: FileIdentity?

  public init(sha256: String, size: Int, identity: FileIdentity?) {
    self.sha256 = sha256
    self.size = size
    self.identity = identity
  }

  /// `sha256:HEX SIZE IDENTITY` (`-` for no identity), as the ledger keeps it.
  public var description: String {
    "\(sha256) \(size) \(identity.map(String.init(describing:)) ?? "-")"
  }

  /// Reads the text `description` gives; nil for anything else.
  public init?(_ text: String) {
    let fields = text.split(separator: " ", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[0].hasPrefix("sha256:"), let size = Int(fields[1]), size >= 0
    else { return nil }
    let identity = fields[2] == "-" ? nil : FileIdentity(String(fields[2]))
    guard fields[2] == "-" || identity != nil else { return nil }
    self.init(sha256: String(fields[0]), size: size, identity: identity)
  }

  /// Ledger fact keys: the file's path in the tree, and its fingerprint.
  public enum Fact {
    public static let path = "file"
    public static let fingerprint = "file-fingerprint"
  }
}

extension Ledger.Facts {
  /// Records `fingerprint` of the tree's file `path`, for `RecordedFingerprints`; removes
  /// what was recorded when `fingerprint` is nil.
  public mutating func record(_ fingerprint: FileFingerprint?, of path: String) {
    self[FileFingerprint.Fact.path] = fingerprint.map { _ in path }
    self[FileFingerprint.Fact.fingerprint] = fingerprint?.description
  }
}

/// The file fingerprints earlier runs recorded in the ledger, found by path: what a plugin
/// uses instead of reading a large file again while the file's identity is unchanged.
///
/// Made from a ledger, or read from the ledger's file when a plugin first asks (only
/// repositories with image archives ask): then only the entries that record a fingerprint
/// are read, and the run's own reading of the ledger, after loading, is left as it was (a
/// large ledger is not held through loading). That read takes no lock and needs none: a
/// fingerprint is a fact about the bytes of a file with a given identity, true in whichever
/// ledger recorded it; a ledger file is replaced whole, never written in place; and a file
/// that cannot be read just leaves nothing recorded (every file is then read).
public struct RecordedFingerprints: Sendable {
  /// Path to `(plugin, fingerprint)`; nil until read.
  private let recorded: Locked<[String: [(plugin: String, fingerprint: FileFingerprint)]]?>
  private let read: (@Sendable () -> [String: Ledger.Entry])?

  /// None: every file is read.
  public init() {
    recorded = Locked([:])
    read = nil
  }

  /// Those `ledger` holds.
  public init(ledger: Ledger) {
    var entries: [Ledger.Entry] = []
    ledger.forEachSorted { _, entry in
      if entry.facts[FileFingerprint.Fact.fingerprint] != nil { entries.append(entry) }
    }
    recorded = Locked(Self.index(entries))
    read = nil
  }

  /// Those the ledger file in `stateDirectory` holds, read when first asked for.
  public init(fs: RootedFileSystem, stateDirectory: HostPath) {
    recorded = Locked(nil)
    read = {
      let path = stateDirectory.child(Ledger.path)
      guard let file = try? fs.openFile(path) else { return [:] }
      return (try? LedgerFileReader.entries(file, withFact: FileFingerprint.Fact.fingerprint)) ?? [:]
    }
  }

  /// The fingerprints `plugin`'s entries record for `path`.
  public func fingerprints(of path: String, plugin: String) -> [FileFingerprint] {
    recorded.update { recorded in
      if recorded == nil { recorded = Self.index((read?() ?? [:]).values) }
      return recorded?[path]?.filter { $0.plugin == plugin }.map(\.fingerprint) ?? []
    }
  }

  private static func index(
    _ entries: some Sequence<Ledger.Entry>
  ) -> [String: [(plugin: String, fingerprint: FileFingerprint)]] {
    var byPath: [String: [(plugin: String, fingerprint: FileFingerprint)]] = [:]
    for entry in entries {
      guard let path = entry.facts[FileFingerprint.Fact.path],
        let text = entry.facts[FileFingerprint.Fact.fingerprint],
        let fingerprint = FileFingerprint(text)
      else { continue }
      byPath[path, default: []].append((entry.plugin, fingerprint))
    }
    return byPath
  }
}
