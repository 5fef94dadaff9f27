import Core
import Foundation
import Subids
import SystemCalls
import TestSupport

/// A temporary host root for one test, seeded with Debian 12's account files; removed by
/// `remove()`.
struct ScratchRoot {
  let path: String

  /// The committed fixture directory (`Tests/Fixtures/debian12-etc`).
  static let fixtures: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)
    return parts.joined(separator: "/") + "/Fixtures/debian12-etc"
  }()

  /// Owner, group and mode of each file on Debian 12 (shadow group is GID 42).
  static let files: [(name: String, uid: UInt32, gid: UInt32, mode: Int)] = [
    ("passwd", 0, 0, 0o644), ("group", 0, 0, 0o644), ("shadow", 0, 42, 0o640),
    ("gshadow", 0, 42, 0o640), ("login.defs", 0, 0, 0o644), ("subuid", 0, 0, 0o644),
    ("subgid", 0, 0, 0o644),
  ]

  /// An empty root with an `etc` directory.
  init(empty: Bool) throws {
    let template = FileManager.default.temporaryDirectory.path + "/users-test-XXXXXX"
    var buffer = Array(template.utf8CString)
    guard mkdtemp(&buffer) != nil else { throw CocoaError(.fileWriteUnknown) }
    path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    try FileManager.default.createDirectory(
      atPath: path + "/etc", withIntermediateDirectories: true)
  }

  /// A root seeded with the fixture files, their owners and modes, and the home directories
  /// and shells of the fixture's users (which `pwck` checks exist, as on a real Debian root).
  init() throws {
    try self.init(empty: true)
    for file in Self.files {
      let target = "\(path)/etc/\(file.name)"
      try FileManager.default.copyItem(atPath: "\(Self.fixtures)/\(file.name)", toPath: target)
      try FileManager.default.setAttributes(
        [.posixPermissions: file.mode, .ownerAccountID: file.uid, .groupOwnerAccountID: file.gid],
        ofItemAtPath: target)
    }
    try provideHomesAndShells()
  }

  /// Creates every home directory and shell `/etc/passwd` names that is missing.
  func provideHomesAndShells() throws { try DebianRoot.provideHomesAndShells(path) }

  /// The text of `/etc/NAME`.
  func read(_ name: String) throws -> String {
    try String(contentsOfFile: "\(path)/etc/\(name)", encoding: .utf8)
  }

  /// Replaces `/etc/NAME` (keeping owner and mode) with `text`.
  func write(_ name: String, _ text: String) throws {
    let handle = try Descriptor.open(
      "\(path)/etc/\(name)", flags: O_WRONLY | O_TRUNC | O_CREAT, mode: 0o644)
    try handle.writeAll(Array(text.utf8))
  }

  /// Appends `text` to `/etc/NAME`.
  func append(_ name: String, _ text: String) throws {
    try write(name, try read(name) + text)
  }

  /// Owner, group and mode of `/etc/NAME`, not following a symlink.
  func status(_ name: String) throws -> FileStatus {
    try Descriptor.open(path + "/etc", flags: O_RDONLY | O_DIRECTORY).status(of: name)
  }

  /// Runs `argv` and returns its exit status and combined output (for pwck and grpck, which
  /// report on stdout).
  func run(_ argv: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    process.environment = ["PATH": "/usr/sbin:/usr/bin", "LC_ALL": "C"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

extension AccountFiles {
  /// Reads the account files under the host root `root`.
  init(root: String) throws {
    self.init(fs: try RootedFileSystem(root: root))
  }
}

extension SubordinateIDFiles {
  /// Reads `/etc/subuid` and `/etc/subgid` under the host root `root`.
  init(root: String) throws {
    self.init(fs: try RootedFileSystem(root: root))
  }
}
