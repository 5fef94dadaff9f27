import Core

/// Reads `/etc/subuid` and `/etc/subgid` of a host directly through its `RootedFileSystem`,
/// never following a symlink.
public struct SubordinateIDFiles: Sendable {
  /// The host's files.
  public let fs: RootedFileSystem

  /// Reads the files of the host behind `fs`.
  public init(fs: RootedFileSystem) { self.fs = fs }

  /// `/etc/subuid`.
  public func subuid() throws(SubordinateIDFileError) -> SubordinateIDFile { try read("subuid") }
  /// `/etc/subgid`.
  public func subgid() throws(SubordinateIDFileError) -> SubordinateIDFile { try read("subgid") }

  private func read(_ name: String) throws(SubordinateIDFileError) -> SubordinateIDFile {
    let file = "/etc/\(name)"
    do {
      guard let bytes = try fs.read(HostPath("/etc")!.child(name)) else { return .missing(file) }
      return SubordinateIDFile.parse(bytes, file: file)
    } catch let error as FileSystemError {
      throw SubordinateIDFileError(root: fs.root, file: file, reason: error.reason)
    } catch {
      throw SubordinateIDFileError(root: fs.root, file: file, reason: "\(error)")
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
