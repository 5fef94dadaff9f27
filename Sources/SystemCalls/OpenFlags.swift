#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `open(2)` flags, so that modules above this one need not import the C library.
public enum OpenFlags {
  public static let readOnly = O_RDONLY
  public static let writeOnly = O_WRONLY
  public static let readWrite = O_RDWR
  public static let create = O_CREAT
  public static let exclusive = O_EXCL
  public static let directory = O_DIRECTORY
  public static let noFollow = O_NOFOLLOW
  public static let nonBlocking = O_NONBLOCK
  public static let append = O_APPEND
}

extension SystemCallError {
  /// `ENOTDIR`: a component of the path is not a folder.
  public var isNotDirectory: Bool { code == ENOTDIR }
  /// `ELOOP`: the path (its last component) is a symlink opened with `O_NOFOLLOW`.
  public var isLoop: Bool { code == ELOOP }
  /// `ENXIO` from opening a socket (or a device with nothing behind it).
  public var isNoDevice: Bool { code == ENXIO }
  /// `EINVAL` from `readlinkat` on what is not a symlink.
  public var isInvalid: Bool { code == EINVAL }
  /// `ENOTEMPTY` or `EEXIST` from removing a folder that still has entries.
  public var isNotEmpty: Bool { code == ENOTEMPTY || code == EEXIST }
  /// `EEXIST`.
  public var alreadyExists: Bool { code == EEXIST }
  /// `EAGAIN`, `EACCES` or `EWOULDBLOCK` from a lock held by someone else.
  public var isLockHeld: Bool { code == EAGAIN || code == EACCES || code == EWOULDBLOCK }
}
