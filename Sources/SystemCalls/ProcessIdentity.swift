#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who this process runs as.
public enum ProcessIdentity {
  /// The real user ID. `getuid(2)`
  public static var userID: UInt32 { getuid() }

  /// The real group ID. `getgid(2)`
  public static var groupID: UInt32 { getgid() }

  /// Whether the process runs as root (real user ID 0). `getuid(2)`
  public static var isRoot: Bool { getuid() == 0 }
}
