import SystemCalls

/// All file access to the managed host goes through here. The whole host lives under `root`
/// (`--root`, default `/`); every path is walked one component at a time from the root with
/// `OpenFlags.noFollow`, so no symlink anywhere on the way is followed and nothing outside the root
/// is reached. Writes are atomic: a temporary file in the same folder with explicit owner and
/// mode, fsync, rename over the target, fsync of the folder.
public final class RootedFileSystem: Sendable {
  /// The host root on the real file system, e.g. `/` or `/tmp/root`.
  public let root: String
  /// Counts writes, for tests and the benchmark.
  public let counters = Counters()

  /// Opens `root`, which must be an existing folder.
  public init(root: String) throws {
    _ = try Descriptor.open(root, flags: OpenFlags.readOnly | OpenFlags.directory)
    self.root = root
  }

  /// Where `path` is on the real file system (for messages and subprocesses).
  public func realPath(_ path: HostPath) -> String {
    root == "/" ? path.description : root + path.description
  }

  // MARK: Reading

  /// The status of `path` (not following a final symlink); nil when it does not exist.
  public func status(_ path: HostPath) throws -> FileStatus? {
    guard let dir = try openParent(of: path) else { return nil }
    if path.isRoot { return try dir.status() }
    return try status(path, in: dir)
  }

  /// The bytes of the regular file at `path`; nil when it does not exist. Refuses symlinks
  /// and files larger than `limit`.
  public func read(_ path: HostPath, limit: Int = 16 << 20) throws -> [UInt8]? {
    guard let dir = try openParent(of: path) else { return nil }
    return try read(path, in: dir, limit: limit)
  }

  /// Runs `body` with a reader that keeps open the folders it last walked through: for
  /// reading many files in a few folders (the units plugin observes every unit file in
  /// /etc/systemd/system and its drop-in folders), where a walk from the root for each file
  /// made most of a no-op run's system calls. For reading what nothing changes while it is
  /// read: a folder is the one found when it was walked to (see `FolderCursor`).
  public func withReader<T>(_ body: (borrowing Reader) throws -> T) throws -> T {
    let cursor = FolderCursor(
      root: { [root] in try Descriptor.open(root, flags: OpenFlags.readOnly | OpenFlags.directory) },
      child: { [self] folder, name, components in
        try self.openFolder(name, in: folder, walking: components.reduce(HostPath.root) { $0.child($1) })
      })
    return try body(Reader(fs: self, cursor: cursor))
  }

  /// Reads as the file system does, through the folders a `FolderCursor` holds open (see
  /// `withReader`).
  public struct Reader: ~Copyable {
    let fs: RootedFileSystem
    let cursor: FolderCursor

    /// As `RootedFileSystem.status`.
    public func status(_ path: HostPath) throws -> FileStatus? {
      try inParent(of: path) { dir throws in try fs.status(path, in: dir) }
    }

    /// As `RootedFileSystem.read`.
    public func read(_ path: HostPath, limit: Int = 16 << 20) throws -> [UInt8]? {
      try inParent(of: path) { dir throws in try fs.read(path, in: dir, limit: limit) }
    }

    /// As `RootedFileSystem.symlinkTarget`.
    public func symlinkTarget(_ path: HostPath) throws -> String? {
      try inParent(of: path) { dir throws in try fs.symlinkTarget(path, in: dir) }
    }

    /// As `RootedFileSystem.find`.
    public func find(_ path: HostPath, limit: Int = 16 << 20) throws -> Found? {
      try inParent(of: path) { dir throws in try fs.find(path, in: dir, limit: limit) }
    }

    /// As `RootedFileSystem.list`.
    public func list(_ path: HostPath) throws -> [String]? {
      try cursor.folder(path.description) { path.components }?.descriptor.entries()
    }

    /// `body` with the descriptor of the folder holding `path`; nil when it does not exist.
    private func inParent<R>(of path: HostPath, _ body: (borrowing Descriptor) throws -> R?) throws -> R? {
      let parent = path.isRoot ? path : path.parent
      guard let folder = try cursor.folder(parent.description, { parent.components }) else { return nil }
      return try body(folder.descriptor)
    }
  }

  private func status(_ path: HostPath, in dir: borrowing Descriptor) throws -> FileStatus? {
    do {
      return try dir.status(of: path.name)
    } catch let error as SystemCallError where error.isNotFound {
      return nil
    }
  }

  /// What is at a path (not following a final symlink), found by opening it: a regular
  /// file's bytes and status, a symlink's target, or something else.
  public enum Found {
    case file([UInt8], FileStatus)
    case symlink(String)
    case other
  }

  /// What is at `path`; nil when nothing is. One open where a status and then an open were
  /// two calls more for every file a plugin observes. Refuses regular files larger than
  /// `limit`, as `read` does.
  public func find(_ path: HostPath, limit: Int = 16 << 20) throws -> Found? {
    guard let dir = try openParent(of: path) else { return nil }
    return try find(path, in: dir, limit: limit)
  }

  private func find(_ path: HostPath, in dir: borrowing Descriptor, limit: Int) throws -> Found? {
    let opened = try open(path, in: dir, limit: limit)
    switch consume opened {
    case nil: return nil
    case .regular(let fd, let status)?: return .file(try fd.readAll(limit: limit, size: Int(status.size)), status)
    case .symlink?: return .symlink(try symlinkTarget(path, in: dir) ?? "")
    case .other?: return .other
    }
  }

  /// What opening a path for reading found.
  private enum Opened: ~Copyable {
    case regular(Descriptor, FileStatus)
    case symlink
    /// A folder, socket, FIFO or device.
    case other
  }

  /// `path` opened for reading without following a symlink (a FIFO does not block it); nil
  /// when nothing is there. A regular file larger than `limit` is refused.
  private func open(_ path: HostPath, in dir: borrowing Descriptor, limit: Int) throws -> Opened? {
    let fd: Descriptor
    do {
      fd = try dir.open(path.name, flags: OpenFlags.readOnly | OpenFlags.noFollow | OpenFlags.nonBlocking)
    } catch let error as SystemCallError where error.isNotFound {
      return nil
    } catch let error as SystemCallError where error.isLoop {
      return .symlink
    } catch let error as SystemCallError where error.isNoDevice {
      // A socket (or a device with nothing behind it).
      return .other
    }
    let st = try fd.status()
    guard st.kind == .regular else { return .other }
    guard st.size <= limit else { throw FileSystemError(path: realPath(path), reason: "is larger than \(limit) bytes") }
    return .regular(fd, st)
  }

  private func read(_ path: HostPath, in dir: borrowing Descriptor, limit: Int) throws -> [UInt8]? {
    guard let file = try openFile(path, in: dir, limit: limit) else { return nil }
    return try file.fd.readAll(limit: limit, size: file.size)
  }

  /// The regular file at `path`, opened to be read a piece at a time (a file of megabytes
  /// need not be held whole); nil when it does not exist. Refuses symlinks and files larger
  /// than `limit`, as `read` does.
  public func openFile(_ path: HostPath, limit: Int = 16 << 20) throws -> FileReader? {
    guard let dir = try openParent(of: path) else { return nil }
    return try openFile(path, in: dir, limit: limit)
  }

  /// A regular file opened for reading in pieces (`openFile`).
  public struct FileReader: ~Copyable {
    let fd: Descriptor
    /// Its size when opened.
    public let size: Int

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    public func read(at offset: Int, count: Int) throws -> [UInt8] {
      try fd.read(at: offset, count: count)
    }
  }

  private func openFile(
    _ path: HostPath, in dir: borrowing Descriptor, limit: Int
  ) throws -> FileReader? {
    let opened = try open(path, in: dir, limit: limit)
    switch consume opened {
    case nil: return nil
    case .regular(let fd, let status)?: return FileReader(fd: fd, size: Int(status.size))
    case .symlink?:
      throw FileSystemError(path: realPath(path), reason: "is a symlink; reconcile does not follow symlinks")
    case .other?: throw FileSystemError(path: realPath(path), reason: "is not a regular file")
    }
  }

  /// The names in the folder `path`, sorted; nil when it does not exist.
  public func list(_ path: HostPath) throws -> [String]? {
    guard let dir = try open(path) else { return nil }
    return try dir.entries()
  }

  /// The status of `path`, following symlinks as programs would (within the root only when
  /// the root is `/`). Only for read-only questions such as a unit's `ConditionPathExists=`;
  /// never for anything reconcile writes.
  public func statusFollowingLinks(_ path: HostPath) -> FileStatus? {
    SystemCalls.statusFollowingLinks(realPath(path))
  }

  /// The target of the symlink at `path`; nil when there is no symlink there.
  public func symlinkTarget(_ path: HostPath) throws -> String? {
    guard let dir = try openParent(of: path) else { return nil }
    return try symlinkTarget(path, in: dir)
  }

  private func symlinkTarget(_ path: HostPath, in dir: borrowing Descriptor) throws -> String? {
    // readlinkat alone: it fails with EINVAL on anything but a symlink.
    do {
      return try dir.symlinkTarget(path.name)
    } catch let error as SystemCallError where error.isNotFound || error.isInvalid {
      return nil
    }
  }

  // MARK: Writing

  /// Replaces (or creates) the regular file at `path` atomically with `bytes`, owned by
  /// `uid:gid` with `mode`. Creates missing parent folders (root-owned, 0755). Refuses when
  /// the target exists and is not a regular file (a symlink planted there is never followed
  /// nor replaced).
  public func write(_ path: HostPath, _ bytes: [UInt8], mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0) throws {
    try write(path, mode: mode, uid: uid, gid: gid, contents: { try $0(bytes) })
  }

  /// As `write(_:_:mode:uid:gid:)`, the contents handed over in pieces: `contents` calls
  /// `write` with each, in order, so that a large file (the ledger) is never held whole.
  public func write(
    _ path: HostPath, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0,
    contents: (_ write: ([UInt8]) throws -> Void) throws -> Void
  ) throws {
    let dir = try makeFolders(path.parent)
    if let st = try? dir.status(of: path.name), st.kind != .regular {
      throw FileSystemError(
        path: realPath(path),
        reason: st.kind == .symlink ? "is a symlink; refusing to replace it" : "is not a regular file")
    }
    do {
      try removeStaleTemporaries(in: dir, for: path.name)
      try dir.replaceAtomically(
        path.name, temporary: ".\(path.name).reconcile-tmp", mode: mode, uid: uid, gid: gid, contents: contents)
    } catch let error as SystemCallError {
      throw FileSystemError(path: realPath(path), reason: "could not be written: \(error)")
    }
    counters.add(writes: 1)
  }

  /// Creates (or replaces) a symlink at `path` pointing at `target`, atomically.
  public func symlink(_ path: HostPath, to target: String) throws {
    let dir = try makeFolders(path.parent)
    if let st = try? dir.status(of: path.name), st.kind != .symlink {
      throw FileSystemError(path: realPath(path), reason: "exists and is not a symlink; refusing to replace it")
    }
    try removeStaleTemporaries(in: dir, for: path.name)
    let temporary = ".\(path.name).reconcile-tmp"
    try dir.makeSymlink(temporary, target: target)
    do {
      try dir.rename(temporary, to: path.name, in: dir)
    } catch {
      try? dir.remove(temporary)
      throw error
    }
    try dir.sync()
    counters.add(writes: 1)
  }

  /// Removes the file or symlink at `path` (never a folder); nothing when it is absent.
  public func remove(_ path: HostPath) throws {
    guard let dir = try openParent(of: path) else { return }
    do {
      try dir.remove(path.name)
    } catch let error as SystemCallError where error.isNotFound {
      return
    }
    try dir.sync()
    counters.add(writes: 1)
  }

  /// Removes the folder at `path` if it is empty; true when it was removed or absent.
  @discardableResult
  public func removeFolderIfEmpty(_ path: HostPath) throws -> Bool {
    guard let dir = try openParent(of: path) else { return true }
    do {
      try dir.remove(path.name, directory: true)
      counters.add(writes: 1)
      return true
    } catch let error as SystemCallError where error.isNotFound {
      return true
    } catch let error as SystemCallError where error.isNotEmpty {
      return false
    }
  }

  /// Creates the folder `path` and its missing parents (`mode`, root-owned) and returns it.
  @discardableResult
  public func makeFolders(_ path: HostPath, mode: UInt32 = 0o755) throws -> Descriptor {
    var dir = try Descriptor.open(root, flags: OpenFlags.readOnly | OpenFlags.directory)
    for component in path.components {
      do {
        dir = try dir.open(component, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
      } catch let error as SystemCallError where error.isNotFound {
        do {
          try dir.makeDirectory(component, mode: mode)
          counters.add(writes: 1)
        } catch let error as SystemCallError where error.alreadyExists {
        } catch let error as SystemCallError {
          throw FileSystemError(path: realPath(path), reason: "could not be created: \(error)")
        }
        dir = try dir.open(component, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
      } catch let error as SystemCallError where error.isSymlink {
        throw FileSystemError(
          path: realPath(path), reason: "crosses a symlink at '\(component)'; refusing to follow it")
      }
    }
    return dir
  }

  /// Removes the temporary files a killed run left in the folder `path` (files and symlinks
  /// only), which a later write of NAME would otherwise remove only if NAME is written again:
  /// `.NAME.reconcile-tmp`, written under the run lock, and `.NAME.PID.N.reconcile-tmp`,
  /// written without it (the git records a `plan` updates), removed only when process PID is
  /// gone. Returns how many were removed.
  @discardableResult
  public func removeTemporaries(in path: HostPath) throws -> Int {
    guard let dir = try open(path) else { return 0 }
    var removed = 0
    for name in try dir.entries() where name.hasPrefix(".") && name.hasSuffix(".reconcile-tmp") {
      guard let st = try? dir.status(of: name), st.kind == .regular || st.kind == .symlink,
        !Self.writerIsAlive(name)
      else {
        continue
      }
      do {
        try dir.remove(name)
        removed += 1
      } catch let error as SystemCallError where error.isNotFound {}
    }
    if removed > 0 {
      try dir.sync()
      counters.add(writes: removed)
    }
    return removed
  }

  /// Whether a `.NAME.PID.N.reconcile-tmp` temporary's writer still runs.
  private static func writerIsAlive(_ name: String) -> Bool {
    let parts = name.split(separator: ".")
    guard parts.count >= 4, let pid = Int32(parts[parts.count - 3]), UInt32(parts[parts.count - 2]) != nil else {
      return false
    }
    return SystemCalls.statusFollowingLinks("/proc/\(pid)") != nil
  }

  /// Creates the folder `path` when it is missing (missing parents root-owned, 0755) and gives
  /// it `uid:gid` and `mode` (set-group-ID and sticky bits included). Owner and mode are set
  /// through a descriptor of the folder opened without following symlinks, so a symlink
  /// planted at `path` is refused, never followed. For folders owned by someone else (a
  /// user's spool), whose contents that user controls: nothing inside is touched.
  public func makeFolder(_ path: HostPath, mode: UInt32, uid: UInt32, gid: UInt32) throws {
    guard !path.isRoot else {
      throw FileSystemError(path: realPath(path), reason: "is the root; refusing to change it")
    }
    let parent = try makeFolders(path.parent)
    do {
      try parent.makeDirectory(path.name, mode: 0o700)
      counters.add(writes: 1)
    } catch let error as SystemCallError where error.alreadyExists {}
    let folder: Descriptor
    do {
      folder = try parent.open(
        path.name, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
    } catch let error as SystemCallError where error.isSymlink {
      throw FileSystemError(
        path: realPath(path), reason: "is a symlink or not a folder; refusing to follow it")
    }
    let status = try folder.status()
    if status.uid != uid || status.gid != gid {
      // chown before chmod: a change of owner may clear the set-group-ID bit.
      try folder.changeOwner(uid: uid, gid: gid)
      counters.add(writes: 1)
    }
    if try folder.status().mode != mode {
      try folder.changeMode(mode)
      counters.add(writes: 1)
    }
    try parent.sync()
  }

  // MARK: Walking

  /// Opens the folder `path`; nil when it (or a parent) does not exist.
  public func open(_ path: HostPath) throws -> Descriptor? {
    var dir = try Descriptor.open(root, flags: OpenFlags.readOnly | OpenFlags.directory)
    for component in path.components {
      guard let next = try openFolder(component, in: dir, walking: path) else { return nil }
      dir = next
    }
    return dir
  }

  /// Opens the folder `name` in `dir` on the way to `path` (made only for the error that
  /// names it), refusing a symlink; nil when it does not exist.
  private func openFolder(
    _ name: String, in dir: borrowing Descriptor, walking path: @autoclosure () -> HostPath
  ) throws -> Descriptor? {
    do {
      return try dir.open(name, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
    } catch let error as SystemCallError where error.isNotFound {
      return nil
    } catch let error as SystemCallError where error.isSymlink {
      throw FileSystemError(
        path: realPath(path()), reason: "crosses a symlink or non-folder at '\(name)'; refusing to follow it")
    }
  }

  private func openParent(of path: HostPath) throws -> Descriptor? {
    try open(path.isRoot ? path : path.parent)
  }

  /// Removes temporaries a killed run left beside `name`.
  private func removeStaleTemporaries(in dir: borrowing Descriptor, for name: String) throws {
    let temporary = ".\(name).reconcile-tmp"
    do {
      try dir.remove(temporary)
    } catch let error as SystemCallError where error.isNotFound {}
  }

  /// Write counters.
  public final class Counters: @unchecked Sendable {
    // A lock guards the counter; plain value updates from any thread.
    private let lock = Mutex()
    private var value = 0
    /// Files, symlinks and folders written or removed so far.
    public var writes: Int { lock.withLock { value } }
    func add(writes: Int) { lock.withLock { value += writes } }
  }
}

/// A refusal or failure of the rooted file system, naming the real path.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "\(path) \(reason)" }
}
