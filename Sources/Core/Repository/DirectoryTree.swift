import SystemCalls

/// A `StateTree` backed by a directory on disk (a work tree, or a test fixture).
///
/// Symlinks are reported as symlinks, never followed, so the loader can refuse them just as
/// it refuses them in git trees.
///
/// A file's identity is its `FileStamp` (device, inode, size, modification and status change
/// times), as git's index keeps it. A stamp read with a file is trusted only when the file's
/// last change is older than `racyWindow` before the reading began (git's "racily clean"
/// problem: a change in the same clock tick as the stamp would keep the stamp).
public struct DirectoryTree: StateTree {
  public let path: String
  /// How much older than the start of a read a file's last change (modification and status
  /// change times) must be for its stamp to be trusted, in nanoseconds. File times come from
  /// the kernel's coarse clock, up to a tick (4 ms at 250 Hz) behind the wall clock, and some
  /// file systems keep whole seconds (ext3) or two (FAT); hence two seconds.
  public let racyWindow: Int64

  /// Two seconds: see `racyWindow`.
  public static let defaultRacyWindow: Int64 = 2_000_000_000

  /// The folders last read from, held open while the tree loads (`releaseCaches` closes
  /// them): a repository's files are read folder by folder.
  private let cursor: FolderCursor

  public init(path: String, racyWindow: Int64 = DirectoryTree.defaultRacyWindow) {
    self.path = path
    self.racyWindow = racyWindow
    cursor = FolderCursor(
      root: { try Descriptor.open(path, flags: OpenFlags.readOnly | OpenFlags.directory) },
      child: { folder, name, _ in
        try folder.open(name, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
      })
  }

  public func releaseCaches() { cursor.release() }

  public var origin: String { path }

  public func entries(of directory: String) throws -> [TreeEntry]? {
    let folder: OpenFolder
    do {
      folder = try open(directory)
    } catch let error as SystemCallError where error.isNotFound || error.isNotDirectory {
      return nil
    }
    var result: [TreeEntry] = []
    for name in try folder.descriptor.entries() where name != ".git" || !directory.isEmpty {
      let st = try folder.descriptor.status(of: name)
      let kind: TreeEntry.Kind
      switch st.kind {
      case .regular: kind = st.mode & 0o111 != 0 ? .executable : .file
      case .directory: kind = .directory
      case .symlink: kind = .symlink
      case .other: kind = .other
      }
      result.append(TreeEntry(name: name, kind: kind, size: st.size))
    }
    return result
  }

  public func contents(of file: String, limit: Int) throws -> [UInt8] {
    let fd = try openFile(file)
    let st = try fd.status()
    try check(st, file, limit: limit)
    return try fd.readAll(limit: limit, size: Int(st.size))
  }

  /// The file's stamp, from `fstatat` on its folder: nothing of the file is read.
  public func identity(of file: String) throws -> FileIdentity? {
    let (folder, name) = try split(file)
    let st = try open(folder).descriptor.status(of: name)
    try check(st, file, limit: .max)
    return .stamp(Self.stamp(st))
  }

  public func read(
    _ file: String, limit: Int, settle: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> FileIdentity? {
    let fd = try openFile(file)
    var started = wallClockNanoseconds()
    var before = try fd.status()
    try check(before, file, limit: limit)
    let wait = Self.lastChange(before) + racyWindow + 1 - started
    if settle && wait > 0 && wait <= racyWindow + 1 {
      // Changed a moment ago: read it once its stamp can be trusted, so the caller can
      // record it (a wait only ever as long as the window).
      sleep(nanoseconds: wait)
      started = wallClockNanoseconds()
      before = try fd.status()
      try check(before, file, limit: limit)
    }
    try fd.read(limit: limit, body)
    let after = try fd.status()
    guard Self.stamp(after) == Self.stamp(before),
      Self.lastChange(before) < started - racyWindow
    else { return nil }
    return .stamp(Self.stamp(before))
  }

  /// The later of the modification and status change times.
  private static func lastChange(_ st: FileStatus) -> Int64 { max(st.modified, st.changed) }

  private static func stamp(_ st: FileStatus) -> FileStamp {
    FileStamp(
      device: st.device, inode: st.inode, size: st.size, modified: st.modified,
      changed: st.changed)
  }

  /// Throws unless `st` is a regular file of at most `limit` bytes.
  private func check(_ st: FileStatus, _ file: String, limit: Int) throws {
    guard st.kind == .regular else { throw StateTreeError(path: file, reason: "not a regular file") }
    guard st.size <= limit else {
      throw StateTreeError(path: file, reason: "file is \(st.size) bytes, more than the limit of \(limit)")
    }
  }

  /// The folder and the name of `file`.
  private func split(_ file: String) throws -> (folder: String, name: String) {
    // The common case, a path without empty components, is cut at its last slash, on its
    // bytes (walking the string's views cost thousands of instructions a path, for every
    // file of the repository).
    var text = file
    let cut: (folder: String, name: String)? = text.withUTF8 { bytes in
      let slash = UInt8(ascii: "/")
      guard let first = bytes.first, first != slash, bytes.last != slash else { return nil }
      var lastSlash: Int?
      var previous: UInt8 = 0
      for index in bytes.indices {
        let byte = bytes[index]
        if byte == slash {
          if previous == slash { return nil }
          lastSlash = index
        }
        previous = byte
      }
      let nameStart = lastSlash.map { $0 + 1 } ?? 0
      let name = UnsafeBufferPointer(rebasing: bytes[nameStart...])
      if name.elementsEqual("..".utf8) || name.elementsEqual(".".utf8) { return nil }
      let folder = lastSlash.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[..<$0]), as: UTF8.self) }
      return (folder ?? "", String(decoding: name, as: UTF8.self))
    }
    if let cut { return cut }
    let components = file.split(separator: "/").map(String.init)
    guard let last = components.last else {
      throw StateTreeError(path: file, reason: "not a file")
    }
    guard last != "..", last != "." else {
      throw StateTreeError(path: file, reason: "path leaves the repository")
    }
    return (components.dropLast().joined(separator: "/"), last)
  }

  /// Opens `file` for reading, refusing to cross a symlink at any component.
  private func openFile(_ file: String) throws -> Descriptor {
    let (folder, name) = try split(file)
    return try open(folder).descriptor.open(
      name, flags: OpenFlags.readOnly | OpenFlags.noFollow | OpenFlags.nonBlocking)
  }

  /// The folder `relative` below the root, refusing to cross a symlink at any component.
  private func open(_ relative: String) throws -> OpenFolder {
    let folder = try cursor.folder(relative) {
      let components = relative.split(separator: "/").map(String.init)
      guard !components.contains(where: { $0 == ".." || $0 == "." }) else {
        throw StateTreeError(path: relative, reason: "path leaves the repository")
      }
      return components
    }
    // The cursor's opening never answers nil: a missing folder throws.
    guard let folder else {
      throw StateTreeError(path: relative, reason: "folder not found")
    }
    return folder
  }
}
