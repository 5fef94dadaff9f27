import Core

/// Reads `/etc/subuid` and `/etc/subgid` of a host directly through its `RootedFileSystem`,
/// never following a symlink.
public struct SubordinateIDFiles: Sendable {
  /// The host's files.
  public let fs: RootedFileSystem

  /// Reads the files of the host behind `fs`.
  public init(fs: RootedFileSystem) { self.fs = fs }

  /// `/etc/subuid`.
  public func subuid() throws(AccountFileError) -> SubordinateIDFile { try read("subuid") }
  /// `/etc/subgid`.
  public func subgid() throws(AccountFileError) -> SubordinateIDFile { try read("subgid") }

  private func read(_ name: String) throws(AccountFileError) -> SubordinateIDFile {
    let file = "/etc/\(name)"
    do {
      guard let bytes = try fs.read(HostPath("/etc")!.child(name)) else { return .missing(file) }
      return SubordinateIDFile.parse(bytes, file: file)
    } catch let error as FileSystemError {
      throw AccountFileError(root: fs.root, file: file, reason: error.reason)
    } catch {
      throw AccountFileError(root: fs.root, file: file, reason: "\(error)")
    }
  }
}
