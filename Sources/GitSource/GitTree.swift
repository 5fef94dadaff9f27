import CGit2
import Core
import Synchronization

/// The tree of one commit in the mirror, read straight from git objects: no work tree, no
/// checkout, nothing written. Implements the loader's `StateTree`.
///
/// Entries keep git's file modes: 100644 `.file`, 100755 `.executable`, 040000 `.directory`,
/// 120000 `.symlink`, 160000 `.submodule` (a gitlink). Symlinks and submodules are only
/// reported, with their path; refusing them is the loader's job. `contents(of:limit:)`
/// reads regular files only and refuses a blob larger than `limit` before loading it.
///
/// Each tree object is read (inflated and parsed) at most once: the first listing of a folder
/// is kept, sorted by name, and later listings and file reads start from it. A
/// listing takes each entry's kind from its mode in the tree and reads no blob, so
/// `TreeEntry.size` is `nil`; a blob is read only by `contents(of:limit:)` and
/// `read(_:limit:settle:_:)`, its size from the object header first. A file's identity is
/// its blob id, taken from its tree entry.
public struct GitTree: StateTree {
  /// The commit whose tree this is.
  public let commit: ObjectID
  private let reader: TreeReader

  /// Opens the tree of `commit` in the mirror, on its own repository handle.
  public init(mirror: GitMirror, commit: ObjectID) throws {
    do {
      try self.init(repository: try GitMirror.open(mirror.path), commit: commit, folder: "")
    } catch {
      throw MirrorError(
        operation: "reading the tree of commit \(commit.short)", underlying: error)
    }
  }

  /// The tree of `commit` in `repository` (a handle this value then owns), or of the
  /// sub-folder `folder` of it (`""` for the whole tree).
  init(repository: GitRepository, commit: ObjectID, folder: String) throws {
    self.commit = commit
    self.folder = folder
    let tree = try repository.commit(commit).tree()
    var root = git_tree_id(tree.pointer).pointee
    if !folder.isEmpty {
      guard let entry = try tree.entry(at: folder), entry.mode == GIT_FILEMODE_TREE else {
        throw StateTreeError(path: folder, reason: "is not a folder in commit \(commit.short)")
      }
      root = entry.oid
    }
    reader = TreeReader(repository: repository, root: root)
  }

  /// The sub-folder of the commit this tree is rooted at (`""`: the whole commit).
  public let folder: String

  public var origin: String {
    folder.isEmpty ? "commit \(commit.short)" : "commit \(commit.short):\(folder)"
  }

  public func entries(of directory: String) throws -> [TreeEntry]? {
    let path = try Self.normalized(directory)
    return try reader.locked { state in
      try state.listing(of: path)?.entries.map { TreeEntry(name: $0.name, kind: $0.kind) }
    }
  }

  public func contents(of file: String, limit: Int) throws -> [UInt8] {
    try blob(file, limit: limit) { state, oid in try state.repository.blobContents(oid) }
  }

  /// The blob id from the file's tree entry: the content's own hash, found without reading
  /// the blob.
  public func identity(of file: String) throws -> FileIdentity? {
    try blob(file, limit: nil) { _, oid in .blob(ObjectID(oid).hex) }
  }

  /// The blob in one piece, straight from libgit2's buffer; its id as the identity, always.
  public func read(
    _ file: String, limit: Int, settle: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> FileIdentity? {
    try blob(file, limit: limit) { state, oid in
      try state.repository.withBlobContents(oid, body)
      return .blob(ObjectID(oid).hex)
    }
  }

  /// `body` with the blob id of the regular file `file`, once its size (from the object
  /// header) is checked against `limit`.
  private func blob<R>(_ file: String, limit: Int?, _ body: (TreeReader.State, git_oid) throws -> R)
    throws -> R
  {
    let path = try Self.normalized(file)
    return try reader.locked { state in
      guard let entry = try state.entry(at: path) else {
        throw StateTreeError(path: file, reason: "no such file in \(origin)")
      }
      guard entry.kind == .file || entry.kind == .executable else {
        throw StateTreeError(
          path: file, reason: "is a \(entry.kind.rawValue), not a regular file")
      }
      if let limit {
        let size = try state.repository.header(of: entry.oid).size
        guard size <= limit else {
          throw StateTreeError(
            path: file, reason: "file is \(size) bytes, more than the limit of \(limit)")
        }
      }
      return try body(state, entry.oid)
    }
  }

  /// Forgets the folder listings read so far and closes the repository's packs and caches
  /// (libgit2 reopens them if the tree is read again). `git_repository__cleanup`
  public func releaseCaches() {
    try? reader.locked { state in
      state.listings = [:]
      state.repository.releaseCaches()
    }
  }

  /// `path` without empty components; refuses `.` and `..`.
  private static func normalized(_ path: String) throws -> String {
    let components = path.split(separator: "/", omittingEmptySubsequences: true)
    guard components.allSatisfy({ $0 != "." && $0 != ".." }) else {
      throw StateTreeError(path: path, reason: "path leaves the repository")
    }
    return components.joined(separator: "/")
  }

  /// The `TreeEntry.Kind` of a git file mode.
  static func kind(_ mode: git_filemode_t) -> TreeEntry.Kind {
    switch mode {
    case GIT_FILEMODE_BLOB: .file
    case GIT_FILEMODE_BLOB_EXECUTABLE: .executable
    case GIT_FILEMODE_TREE: .directory
    case GIT_FILEMODE_LINK: .symlink
    case GIT_FILEMODE_COMMIT: .submodule
    default: .other
    }
  }
}

/// One folder of the tree as read from its tree object: entries sorted by name (bytes),
/// found by binary search (an index of names beside them was a fifth of a large tree's
/// listings, and all of them are held while the repository is loaded).
private struct Listing {
  struct Entry {
    var name: String
    var kind: TreeEntry.Kind
    var oid: git_oid
  }

  var entries: [Entry]

  /// Reads the tree object `oid`. `git_tree_lookup`, `git_tree_entry_byindex`
  init(tree oid: git_oid, in repository: GitRepository) throws {
    let tree = try GitTreeHandle.lookup(oid, in: repository)
    var entries = tree.listing().map {
      Entry(name: $0.name, kind: GitTree.kind($0.mode), oid: $0.oid)
    }
    // git orders a folder as if its name ended in "/"; the loader wants plain byte order.
    entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    self.entries = entries
  }

  /// The entry named `name`; a malformed tree that has a name twice gives the first.
  subscript(name: Substring) -> Entry? {
    var low = 0
    var high = entries.count
    while low < high {
      let middle = (low + high) / 2
      if entries[middle].name.utf8.lexicographicallyPrecedes(name.utf8) {
        low = middle + 1
      } else {
        high = middle
      }
    }
    guard low < entries.count, entries[low].name.utf8.elementsEqual(name.utf8) else { return nil }
    return entries[low]
  }
}

/// One repository handle, the root tree id and the folders listed so far, behind a lock.
///
/// `@unchecked Sendable`: a libgit2 repository must not be used by two threads at once, and
/// its errors are per thread. Every use goes through `locked`, which runs the libgit2 calls
/// and reads their errors on the calling thread while holding the mutex.
private final class TreeReader: @unchecked Sendable {
  /// What `locked` hands out: the handle and the folders read so far.
  final class State {
    let repository: GitRepository
    let root: git_oid
    /// Folder path (`""`: the root) to its listing; `nil` marks a path that is no folder.
    var listings: [String: Listing?] = [:]

    init(repository: GitRepository, root: git_oid) {
      self.repository = repository
      self.root = root
    }

    /// The listing of the folder at `path` (normalised), or `nil` when there is none. Reads
    /// each tree object once, through its parent's listing.
    func listing(of path: String) throws -> Listing? {
      if let known = listings[path] { return known }
      let listing: Listing?
      if path.isEmpty {
        listing = try Listing(tree: root, in: repository)
      } else if let entry = try entry(at: path), entry.kind == .directory {
        listing = try Listing(tree: entry.oid, in: repository)
      } else {
        listing = nil
      }
      listings[path] = listing
      return listing
    }

    /// The entry at `path` (normalised, not empty), from its folder's listing.
    func entry(at path: String) throws -> Listing.Entry? {
      let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
      let parent = slash.map { String(path[..<$0]) } ?? ""
      let name = slash.map { path[path.index(after: $0)...] } ?? path[...]
      return try listing(of: parent)?[name]
    }
  }

  private let mutex: Mutex<Void> = Mutex(())
  private let state: State

  init(repository: GitRepository, root: git_oid) {
    state = State(repository: repository, root: root)
  }

  func locked<R>(_ body: (State) throws -> R) throws -> R {
    try mutex.withLock { _ in try body(state) }
  }
}
