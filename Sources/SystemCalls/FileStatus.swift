#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The parts of `struct stat` reconcile looks at.
public struct FileStatus: Sendable, Equatable {
  /// What kind of file this is.
  public enum Kind: Sendable, Equatable {
    case regular, directory, symlink, other
  }

  public var kind: Kind
  /// Permission bits (`st_mode & 07777`).
  public var mode: UInt32
  public var uid: UInt32
  public var gid: UInt32
  public var size: Int
  public var inode: UInt64
  public var device: UInt64
  /// Modification time in nanoseconds since the epoch.
  public var modified: Int64
  /// Status change time (`st_ctim`) in nanoseconds since the epoch: set by the kernel to its
  /// clock on every change of the file's content or status, and settable by no call.
  public var changed: Int64

  init(_ st: stat) {
    switch st.st_mode & S_IFMT {
    case S_IFREG: kind = .regular
    case S_IFDIR: kind = .directory
    case S_IFLNK: kind = .symlink
    default: kind = .other
    }
    mode = st.st_mode & 0o7777
    uid = st.st_uid
    gid = st.st_gid
    size = Int(st.st_size)
    inode = UInt64(st.st_ino)
    device = UInt64(st.st_dev)
    modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
  }
}

/// The status of `path`, following symlinks; nil when it does not exist. For read-only
/// questions about the host (does a unit's `ConditionPathExists=` hold?), never for writes.
/// `stat(2)`
public func statusFollowingLinks(_ path: String) -> FileStatus? {
  var st = stat()
  guard stat(path, &st) == 0 else { return nil }
  return FileStatus(st)
}

/// The wall clock (`CLOCK_REALTIME`, the clock file times are taken from) in nanoseconds
/// since the epoch. `clock_gettime(2)`
public func wallClockNanoseconds() -> Int64 {
  var now = timespec()
  clock_gettime(CLOCK_REALTIME, &now)
  return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Sleeps for `nanoseconds` (resumed after a signal until the time has passed). `nanosleep(2)`
public func sleep(nanoseconds: Int64) {
  guard nanoseconds > 0 else { return }
  var left = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
  var rest = timespec()
  while nanosleep(&left, &rest) == -1 && errno == EINTR { left = rest }
}

/// The kernel's host name. `gethostname(2)`
public func hostName() -> String {
  var buffer = [CChar](repeating: 0, count: 256)
  guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Whether standard output (or `fd`) is a terminal. `isatty(3)`
public func isTerminal(_ fd: Int32 = 1) -> Bool { isatty(fd) == 1 }
