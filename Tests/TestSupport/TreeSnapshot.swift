import Foundation

/// Everything observable about a folder tree: each entry's type, mode, owner, size, content
/// digest, symlink target, inode and modification time. Two equal snapshots mean the tree was
/// not touched, byte for byte and inode for inode.
public struct TreeSnapshot: Equatable, CustomStringConvertible {
  /// One line per entry, sorted by path.
  public let entries: [String: String]

  /// Takes a snapshot of `root`.
  public init(_ root: String) throws {
    var entries: [String: String] = [:]
    let manager = FileManager.default
    let enumerator = manager.enumerator(atPath: root)
    entries["."] = try TreeSnapshot.describe(root)
    while let relative = enumerator?.nextObject() as? String {
      entries[relative] = try TreeSnapshot.describe("\(root)/\(relative)")
    }
    self.entries = entries
  }

  /// Paths of entries that differ, were added, or were removed.
  public func differences(from other: TreeSnapshot) -> [String] {
    Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.sorted()
  }

  /// Only the paths and kinds, for comparing trees made by different tools.
  public var shape: [String: String] {
    entries.mapValues {
      String($0.split(separator: " ").first ?? "")
        + ($0.contains("->") ? " " + String($0.split(separator: ">").last ?? "") : "")
    }
  }

  public var description: String {
    entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
  }

  private static func describe(_ path: String) throws -> String {
    var st = stat()
    guard lstat(path, &st) == 0 else { return "missing" }
    let mode = String(st.st_mode & 0o7777, radix: 8)
    let common =
      "mode=\(mode) uid=\(st.st_uid) gid=\(st.st_gid) ino=\(st.st_ino) mtime=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    switch st.st_mode & S_IFMT {
    case S_IFLNK:
      return "symlink \(common) -> \(try FileManager.default.destinationOfSymbolicLink(atPath: path))"
    case S_IFDIR:
      return "dir mode=\(mode) uid=\(st.st_uid) gid=\(st.st_gid) ino=\(st.st_ino)"
    case S_IFREG:
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      return
        "file \(common) size=\(data.count) hash=\(data.hashValue)-\(Array(data).reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })"
    default:
      return "other \(common)"
    }
  }
}
