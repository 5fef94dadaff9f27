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
    return try reader.locked { repository, root in
      let tree: GitTreeHandle
      if path.isEmpty {
        tree = try GitTreeHandle.lookup(root, in: repository)
      } else {
        let rootTree = try GitTreeHandle.lookup(root, in: repository)
        guard let entry = try rootTree.entry(at: path), entry.mode == GIT_FILEMODE_TREE else {
          return nil
        }
        tree = try GitTreeHandle.lookup(entry.oid, in: repository)
      }
      return try tree.listing().map { name, mode, oid in
        let kind = Self.kind(mode)
        var size: Int?
        if kind == .file || kind == .executable {
          size = try repository.header(of: oid).size
        }
        return TreeEntry(name: name, kind: kind, size: size)
      }.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }
  }

  public func contents(of file: String, limit: Int) throws -> [UInt8] {
    let path = try Self.normalized(file)
    return try reader.locked { repository, root in
      let rootTree = try GitTreeHandle.lookup(root, in: repository)
      guard !path.isEmpty, let entry = try rootTree.entry(at: path) else {
        throw StateTreeError(path: file, reason: "no such file in \(origin)")
      }
      let kind = Self.kind(entry.mode)
      guard kind == .file || kind == .executable else {
        throw StateTreeError(path: file, reason: "is a \(kind.rawValue), not a regular file")
      }
      let size = try repository.header(of: entry.oid).size
      guard size <= limit else {
        throw StateTreeError(
          path: file, reason: "file is \(size) bytes, more than the limit of \(limit)")
      }
      return try repository.blobContents(entry.oid)
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

/// One repository handle and a root tree id behind a lock.
///
/// `@unchecked Sendable`: a libgit2 repository must not be used by two threads at once, and
/// its errors are per thread. Every use goes through `locked`, which runs the libgit2 calls
/// and reads their errors on the calling thread while holding the mutex.
private final class TreeReader: @unchecked Sendable {
  private let mutex = Mutex(())
  private let repository: GitRepository
  private let root: git_oid

  init(repository: GitRepository, root: git_oid) {
    self.repository = repository
    self.root = root
  }

  func locked<R>(_ body: (GitRepository, git_oid) throws -> R) throws -> R {
    try mutex.withLock { _ in try body(repository, root) }
  }
}
