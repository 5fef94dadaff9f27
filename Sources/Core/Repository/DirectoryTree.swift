import SystemCalls

/// A `StateTree` backed by a directory on disk (a work tree, or a test fixture).
///
/// Symlinks are reported as symlinks, never followed, so the loader can refuse them just as
/// it refuses them in git trees.
public struct DirectoryTree: StateTree {
  public let path: String

  public init(path: String) { self.path = path }

  public var origin: String { path }

  public func entries(of directory: String) throws -> [TreeEntry]? {
    let dir: Descriptor
    do {
      dir = try open(directory)
    } catch let error as SystemCallError where error.isNotFound || error.isNotDirectory {
      return nil
    }
    var result: [TreeEntry] = []
    for name in try dir.entries() where name != ".git" || !directory.isEmpty {
      let st = try dir.status(of: name)
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
    let components = file.split(separator: "/").map(String.init)
    guard let last = components.last else {
      throw StateTreeError(path: file, reason: "not a file")
    }
    let dir = try open(components.dropLast().joined(separator: "/"))
    let fd = try dir.open(last, flags: OpenFlags.readOnly | OpenFlags.noFollow | OpenFlags.nonBlocking)
    let st = try fd.status()
    guard st.kind == .regular else { throw StateTreeError(path: file, reason: "not a regular file") }
    guard st.size <= limit else {
      throw StateTreeError(path: file, reason: "file is \(st.size) bytes, more than the limit of \(limit)")
    }
    return try fd.readAll(limit: limit)
  }

  /// Opens `relative` below the root, refusing to cross a symlink at any component.
  private func open(_ relative: String) throws -> Descriptor {
    var dir = try Descriptor.open(path, flags: OpenFlags.readOnly | OpenFlags.directory)
    for component in relative.split(separator: "/") {
      guard component != "..", component != "." else {
        throw StateTreeError(path: relative, reason: "path leaves the repository")
      }
      dir = try dir.open(String(component), flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
    }
    return dir
  }
}
