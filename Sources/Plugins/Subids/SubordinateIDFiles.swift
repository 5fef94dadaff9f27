import Core

/// Reads `/etc/subuid` and `/etc/subgid` of a host root directly, never following a symlink.
public struct SubordinateIDFiles: Sendable {
  /// The host root directory.
  public let root: String

  /// Reads the files under `root`.
  public init(root: String) { self.root = root }

  /// `/etc/subuid`.
  public func subuid() throws(SubordinateIDFileError) -> SubordinateIDFile { try read("subuid") }
  /// `/etc/subgid`.
  public func subgid() throws(SubordinateIDFileError) -> SubordinateIDFile { try read("subgid") }

  /// Opens `etc/NAME` through Core's `DirectoryTree` (`O_NOFOLLOW` at every component).
  /// TODO: read through Core's rooted host filesystem layer once it exists.
  private func read(_ name: String) throws(SubordinateIDFileError) -> SubordinateIDFile {
    let file = "/etc/\(name)"
    let tree = DirectoryTree(path: root)
    do {
      guard let entry = try tree.entries(of: "etc")?.first(where: { $0.name == name }) else {
        return .missing(file)
      }
      guard entry.kind == .file || entry.kind == .executable else {
        throw SubordinateIDFileError(
          root: root, file: file,
          reason: "it is a \(entry.kind), not a regular file")
      }
      return SubordinateIDFile.parse(
        try tree.contents(of: "etc/\(name)", limit: 16 << 20),
        file: file)
    } catch let error as SubordinateIDFileError {
      throw error
    } catch {
      throw SubordinateIDFileError(root: root, file: file, reason: "\(error)")
    }
  }
}

/// `/etc/subuid` or `/etc/subgid` could not be read at all.
public struct SubordinateIDFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The host root.
  public var root: String
  /// The file, absolute within the root.
  public var file: String
  /// What went wrong.
  public var reason: String

  /// Creates an error.
  public init(root: String, file: String, reason: String) {
    self.root = root
    self.file = file
    self.reason = reason
  }

  public var description: String {
    "could not read \(root == "/" ? file : root + file): \(reason)"
  }
}
