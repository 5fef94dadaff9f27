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

  /// Lets go of what reading kept for later reads (a git tree's folder listings and open
  /// packs); called once the repository is loaded. Later reads still work, more slowly.
  func releaseCaches()
}

extension StateTree {
  /// Nothing to let go of.
  public func releaseCaches() {}
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
