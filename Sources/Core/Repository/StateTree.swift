/// A read-only tree of files holding a state repository: a directory on disk, or the objects
/// of a verified git commit. The loader reads desired state only through this protocol.
public protocol StateTree: Sendable {
  /// Where the tree comes from, for messages: a directory path or `commit 1a2b3c4`.
  var origin: String { get }

  /// The entries of `directory` (a `/`-separated path relative to the root, `""` for the
  /// root), sorted by name; `nil` when there is no such directory.
  func entries(of directory: String) throws -> [TreeEntry]?

  /// The bytes of the regular file at `path`; throws when it is missing or too large.
  func contents(of path: String, limit: Int) throws -> [UInt8]

  /// What identifies the content of the regular file at `path` now, found without reading
  /// it; nil when the tree has nothing such (its files are then read every time). Throws
  /// when the file is missing or not a regular file.
  func identity(of path: String) throws -> FileIdentity?

  /// Reads the regular file at `path` in pieces handed to `body` (each valid only during the
  /// call), refusing more than `limit` bytes. Returns the identity the file had while it was
  /// read when a later equal identity proves the same bytes (see `FileFingerprint`); nil
  /// otherwise. With `settle`, a file changed a moment ago is read once it has such an
  /// identity, when that is a short wait (`DirectoryTree.racyWindow`).
  func read(
    _ path: String, limit: Int, settle: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> FileIdentity?

  /// Lets go of what reading kept for later reads (a git tree's folder listings and open
  /// packs); called once the repository is loaded. Later reads still work, more slowly.
  func releaseCaches()
}

extension StateTree {
  /// Nothing to let go of.
  public func releaseCaches() {}

  /// No identities: a tree that does not say reads its files every time.
  public func identity(of path: String) throws -> FileIdentity? { nil }

  /// The whole file in one piece, with no identity.
  public func read(
    _ path: String, limit: Int, settle: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> FileIdentity? {
    try contents(of: path, limit: limit).withUnsafeBytes { try body($0) }
    return nil
  }

  /// Reads and hashes the file at `path`, holding at most a piece of it at a time (for a
  /// tree that reads in pieces).
  public func fingerprint(of path: String, limit: Int, settle: Bool = false) throws
    -> FileFingerprint
  {
    var hasher = SHA256.Hasher()
    var size = 0
    let identity = try read(path, limit: limit, settle: settle) { piece in
      hasher.update(piece)
      size += piece.count
    }
    return FileFingerprint(sha256: "sha256:" + hasher.hex(), size: size, identity: identity)
  }

  /// One of `recorded` whose identity the file at `path` still has, without reading it;
  /// otherwise the file read and hashed.
  public func fingerprint(of path: String, limit: Int, recorded: [FileFingerprint]) throws
    -> FileFingerprint
  {
    if !recorded.isEmpty, let current = try identity(of: path),
      let known = recorded.first(where: { $0.identity == current && $0.size <= limit })
    {
      return known
    }
    return try fingerprint(of: path, limit: limit)
  }

  /// The bytes of the file at `path` and their fingerprint, read once (`settle` as `read`).
  public func contentsAndFingerprint(of path: String, limit: Int, settle: Bool) throws
    -> (bytes: [UInt8], fingerprint: FileFingerprint)
  {
    var bytes: [UInt8] = []
    // Made at its size at once where the size is known: grown by doubling, a large archive
    // would briefly take twice its size.
    if case .stamp(let stamp)? = try identity(of: path) {
      bytes.reserveCapacity(min(stamp.size, limit))
    }
    var hasher = SHA256.Hasher()
    let identity = try read(path, limit: limit, settle: settle) { piece in
      hasher.update(piece)
      bytes.append(contentsOf: piece)
    }
    let fingerprint = FileFingerprint(
      sha256: "sha256:" + hasher.hex(), size: bytes.count, identity: identity)
    return (bytes, fingerprint)
  }
}

/// One entry of a `StateTree` directory.
public struct TreeEntry: Sendable, Hashable {
  /// What the entry is. Symlinks and submodules are listed so the loader can refuse them.
  public enum Kind: String, Sendable, Hashable {
    case file, executable, directory, symlink, submodule, other
  }

  public var name: String
  public var kind: Kind
  /// Size in bytes for files, when known.
  public var size: Int?

  public init(name: String, kind: Kind, size: Int? = nil) {
    self.name = name
    self.kind = kind
    self.size = size
  }
}

/// Errors reading a `StateTree`.
public struct StateTreeError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "\(path): \(reason)" }
}
