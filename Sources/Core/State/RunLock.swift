import SystemCalls

/// Makes sure only one `reconcile apply` runs on a host at a time: an open-file-description
/// lock on `STATE/lock`, released when the process ends, however it ends.
public final class RunLock {
  private let descriptor: Descriptor

  /// Thrown when another run holds the lock.
  public struct Busy: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var description: String { "another reconcile run holds \(path); try again when it has finished" }
  }

  /// Takes the lock at once or throws `Busy`.
  public init(fs: RootedFileSystem, stateDirectory: HostPath) throws {
    // Missing parents (/var/lib on a bare root) are ordinary folders; only the last is private.
    try fs.makeFolders(stateDirectory.parent)
    let dir = try fs.makeFolders(stateDirectory, mode: 0o700)
    let fd = try dir.open("lock", flags: OpenFlags.readWrite | OpenFlags.create | OpenFlags.noFollow, mode: 0o600)
    do {
      try fd.lockExclusiveNow()
    } catch let error as SystemCallError where error.isLockHeld {
      throw Busy(path: fs.realPath(stateDirectory.child("lock")))
    }
    descriptor = fd
  }

  private init(descriptor: consuming Descriptor) { self.descriptor = descriptor }

  /// Takes the lock at once, creating nothing: nil when `STATE/lock` does not exist yet (a
  /// host no run has locked). Throws `Busy` when another run holds it.
  public static func existing(fs: RootedFileSystem, stateDirectory: HostPath) throws -> RunLock? {
    guard let dir = try fs.open(stateDirectory) else { return nil }
    let fd: Descriptor
    do {
      fd = try dir.open("lock", flags: OpenFlags.readWrite | OpenFlags.noFollow)
    } catch let error as SystemCallError where error.isNotFound {
      return nil
    }
    do {
      try fd.lockExclusiveNow()
    } catch let error as SystemCallError where error.isLockHeld {
      throw Busy(path: fs.realPath(stateDirectory.child("lock")))
    }
    return RunLock(descriptor: fd)
  }
}
