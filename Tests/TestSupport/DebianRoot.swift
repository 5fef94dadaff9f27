import Foundation

/// A host root seeded with Debian 12's account files (`Tests/Fixtures/debian12-etc`), with
/// Debian's owners and modes, and the homes and shells its users name, as a real root has.
public enum DebianRoot {
  /// The committed fixture folder.
  public static let fixtures = "\(packageRoot)/Tests/Fixtures/debian12-etc"

  /// Owner, group and mode of each file on Debian 12 (the shadow group is GID 42).
  public static let files: [(name: String, uid: UInt32, gid: UInt32, mode: Int)] = [
    ("passwd", 0, 0, 0o644), ("group", 0, 0, 0o644), ("shadow", 0, 42, 0o640),
    ("gshadow", 0, 42, 0o640), ("login.defs", 0, 0, 0o644), ("subuid", 0, 0, 0o644),
    ("subgid", 0, 0, 0o644),
  ]

  /// Copies the fixture files into `root/etc` (created when missing).
  public static func seed(_ root: String) throws {
    try FileManager.default.createDirectory(
      atPath: root + "/etc", withIntermediateDirectories: true)
    for file in files {
      let target = "\(root)/etc/\(file.name)"
      try FileManager.default.copyItem(atPath: "\(fixtures)/\(file.name)", toPath: target)
      try FileManager.default.setAttributes(
        [.posixPermissions: file.mode, .ownerAccountID: file.uid, .groupOwnerAccountID: file.gid],
        ofItemAtPath: target)
    }
    try provideHomesAndShells(root)
  }

  /// Creates every home folder and shell `/etc/passwd` names that is missing (`/nonexistent`
  /// excepted, as pwck does), so that `pwck` judges the accounts, not the bare root.
  public static func provideHomesAndShells(_ root: String) throws {
    let passwd = try String(contentsOfFile: "\(root)/etc/passwd", encoding: .utf8)
    for line in passwd.split(separator: "\n") {
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      guard fields.count == 7 else { continue }
      let home = String(fields[5])
      let shell = String(fields[6])
      if home != "/nonexistent" {
        try FileManager.default.createDirectory(
          atPath: root + home, withIntermediateDirectories: true)
      }
      if !FileManager.default.fileExists(atPath: root + shell) {
        try FileManager.default.createDirectory(
          atPath: root + (shell as NSString).deletingLastPathComponent,
          withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
          atPath: root + shell, contents: Data(), attributes: [.posixPermissions: 0o755])
      }
    }
  }
}
