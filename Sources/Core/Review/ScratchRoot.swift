import FoundationEssentials
import SystemCalls

/// A temporary host root for one review: a fresh folder under the temporary folder
/// (`TMPDIR`), seeded with `ReviewSeed`'s Debian 12 files and removed with the value. Nothing
/// a review does is written anywhere else.
final class ScratchRoot {
  /// The folder.
  let path: String
  /// Its rooted file system.
  let fs: RootedFileSystem

  /// Creates and seeds the folder. Files get Debian's owners when running as root, the
  /// running user's otherwise (who cannot give files away).
  init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = "\(base)/reconcile-review-\(UUID().uuidString.prefix(12))"
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    do {
      fs = try RootedFileSystem(root: path)
      let root = ProcessIdentity.isRoot
      for file in ReviewSeed.files {
        try fs.write(
          file.path, Array(file.text.utf8), mode: file.mode, uid: root ? 0 : ProcessIdentity.userID,
          gid: root ? (file.shadowGroup ? ReviewSeed.shadowGID : 0) : ProcessIdentity.groupID)
      }
    } catch {
      try? FileManager.default.removeItem(atPath: path)
      throw error
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
