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
/// The ledger is read as it was when the run began; a fingerprint is a fact about the bytes
/// of a file with a given identity, true whatever the run then does.
public struct RecordedFingerprints: Sendable {
  private let ledger: Ledger?

  /// None: every file is read.
  public init() { ledger = nil }

  /// Those `ledger` holds.
  public init(ledger: Ledger) { self.ledger = ledger }

  /// The fingerprints `plugin`'s entries record for `path`.
  public func fingerprints(of path: String, plugin: String) -> [FileFingerprint] {
    guard let ledger else { return [] }
    return ledger.addresses(of: plugin).compactMap { address in
      guard let facts = ledger[address]?.facts, facts[FileFingerprint.Fact.path] == path,
        let text = facts[FileFingerprint.Fact.fingerprint]
      else { return nil }
      return FileFingerprint(text)
    }
  }
}
