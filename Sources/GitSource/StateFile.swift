import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// Small records in the state directory (the last fetch, the last applied commit): written
/// atomically, owned by the running user (root), readable by it alone.
enum StateFile {
  /// Replaces `name` in `directory` with `bytes`: a temporary file in the same directory,
  /// created exclusively with `mode`, owned by the effective user, fsynced, renamed over the
  /// old one, then the directory fsynced. Never writes through a symlink. With `durable`
  /// false the two fsyncs are skipped (they cost milliseconds): the replacement is still
  /// atomic, but a power loss may bring back the previous version or an empty file.
  /// `openat(2)`, `fchown(2)`, `fchmod(2)`, `fsync(2)`, `renameat(2)`
  static func write(
    _ bytes: [UInt8], to name: String, in directory: String, mode: UInt32 = 0o600,
    durable: Bool = true
  ) throws {
    // A unique temporary name: these records are written without the run lock (plan fetches).
    let temporary = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).reconcile-tmp"
    try Descriptor.open(directory, flags: O_RDONLY | O_DIRECTORY).replaceAtomically(
      name, with: bytes, temporary: temporary, mode: mode, uid: geteuid(), gid: getegid(), durable: durable)
  }

  /// The contents of `name` in `directory`, or `nil` when it does not exist. Refuses a
  /// symlink, a file owned by another user or one that others may write: these records are
  /// trust anchors. `openat(2)`, `fstat(2)`, `read(2)`
  static func read(_ name: String, in directory: String, limit: Int = 4096) throws -> [UInt8]? {
    let dir = try Descriptor.open(directory, flags: O_RDONLY | O_DIRECTORY)
    let file: Descriptor
    do {
      file = try dir.open(name, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    } catch let error as SystemCallError where error.isNotFound {
      return nil
    }
    let status = try file.status()
    let path = directory + "/" + name
    guard status.kind == .regular else {
      throw StateFileError(path: path, reason: "is not a regular file")
    }
    guard status.uid == geteuid(), status.mode & 0o022 == 0 else {
      let mode = String(status.mode, radix: 8)
      throw StateFileError(
        path: path,
        reason: "is owned by uid \(status.uid) with mode \(mode); it must belong to uid "
          + "\(geteuid()) and be writable by it alone")
    }
    return try file.readAll(limit: limit)
  }
}

/// A state record that is missing its protection or does not parse.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// What is wrong with it.
  public var reason: String

  public var description: String { "\(path) \(reason)" }
}
