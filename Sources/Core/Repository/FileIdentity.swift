/// What tells, without reading it, that a file of a `StateTree` still holds the bytes it held
/// when it was last read: a fingerprint recorded with an identity holds for as long as the
/// file shows that identity (see `FileFingerprint`).
public enum FileIdentity: Sendable, Hashable, CustomStringConvertible {
  /// The git blob id (hex) of a file in a commit: the content's own hash, exact.
  case blob(String)
  /// The status of a file on disk (`DirectoryTree`), as git's index keeps it: any write to
  /// the file, and any replacement of it, changes the status change time at least.
  case stamp(FileStamp)

  /// `git:HEX` or `stat:DEVICE:INODE:SIZE:MTIME:CTIME` (times in nanoseconds).
  public var description: String {
    switch self {
    case .blob(let id): "git:\(id)"
    case .stamp(let stamp):
      "stat:\(stamp.device):\(stamp.inode):\(stamp.size):\(stamp.modified):\(stamp.changed)"
    }
  }

  /// Reads the text `description` gives; nil for anything else.
  public init?(_ text: String) {
    if text.hasPrefix("git:") {
      let id = text.dropFirst(4)
      guard !id.isEmpty, id.allSatisfy(\.isHexDigit) else { return nil }
      self = .blob(String(id))
      return
    }
    guard text.hasPrefix("stat:") else { return nil }
    let fields = text.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false)
    guard fields.count == 5, let device = UInt64(fields[0]), let inode = UInt64(fields[1]),
      let size = Int(fields[2]), let modified = Int64(fields[3]), let changed = Int64(fields[4])
    else { return nil }
    self = .stamp(
      FileStamp(device: device, inode: inode, size: size, modified: modified, changed: changed))
  }
}

/// A file's status as far as it identifies the file's content: device, inode, size, and the
/// modification and status change times in nanoseconds since the epoch.
public struct FileStamp: Sendable, Hashable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int
  public var modified: Int64
  public var changed: Int64

  public init(device: UInt64, inode: UInt64, size: Int, modified: Int64, changed: Int64) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
    self.changed = changed
  }
}
