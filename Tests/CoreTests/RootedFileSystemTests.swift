import Core
import Foundation
import TestSupport
import Testing

@Suite struct RootedFileSystemTests {
  @Test func writesAtomicallyWithOwnerAndMode() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let path = HostPath("/etc/shadow-like")!
    try fs.write(path, Array("secret\n".utf8), mode: 0o640, uid: 0, gid: 42)
    let status = try #require(try fs.status(path))
    #expect(status.mode == 0o640)
    #expect(status.gid == 42)
    #expect(try scratch.read("etc/shadow-like") == "secret\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.join("etc")) == ["shadow-like"])
  }

  @Test func neverWritesThroughASymlink() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("canary", "untouched\n")
    try FileManager.default.createDirectory(atPath: scratch.join("root/etc"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: scratch.join("root/etc/unit"), withDestinationPath: scratch.join("canary"))
    try FileManager.default.createSymbolicLink(atPath: scratch.join("root/var"), withDestinationPath: scratch.path)
    let fs = try RootedFileSystem(root: scratch.join("root"))
    #expect(throws: FileSystemError.self) { try fs.write(HostPath("/etc/unit")!, Array("x".utf8), mode: 0o644) }
    #expect(throws: (any Error).self) { try fs.write(HostPath("/var/canary")!, Array("x".utf8), mode: 0o644) }
    #expect(throws: (any Error).self) { try fs.read(HostPath("/etc/unit")!) }
    #expect(try scratch.read("canary") == "untouched\n")
  }

  @Test func aReaderReadsAsPathsDoThroughTheFoldersItHolds() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("root/etc/systemd/system/a.service", "[Service]\n")
    try scratch.write("root/etc/systemd/system/a.service.d/10-x.conf", "[Service]\n")
    try scratch.write("root/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
    try scratch.write("canary", "untouched\n")
    try FileManager.default.createSymbolicLink(
      atPath: scratch.join("root/etc/systemd/system/b.timer"),
      withDestinationPath: scratch.join("canary"))
    try FileManager.default.createSymbolicLink(
      atPath: scratch.join("root/etc/systemd/system/c.service.d"),
      withDestinationPath: scratch.join("."))
    let fs = try RootedFileSystem(root: scratch.join("root"))
    let folder = HostPath("/etc/systemd/system")!
    let (a, b, c) = (folder.child("a.service"), folder.child("b.timer"), folder.child("c.path"))
    let dropIn = folder.child("a.service.d").child("10-x.conf")
    typealias Reader = RootedFileSystem.Reader
    try fs.withReader { (reader: borrowing Reader) throws in
      #expect(try reader.read(a) == fs.read(a))
      #expect(try reader.status(a)?.kind == .regular)
      // Down into a drop-in folder, back up, and to another branch of the tree.
      #expect(try reader.read(dropIn) == fs.read(dropIn))
      #expect(try reader.list(folder.child("a.service.d")) == ["10-x.conf"])
      #expect(try reader.symlinkTarget(b) == scratch.join("canary"))
      #expect(try reader.read(HostPath("/etc/passwd")!) == fs.read(HostPath("/etc/passwd")!))
      #expect(try reader.list(.root) == ["etc"])
      #expect(throws: FileSystemError.self) { try reader.read(b) }
      #expect(throws: FileSystemError.self) { try reader.list(folder.child("c.service.d")) }
      #expect(try reader.status(c) == nil && reader.read(c) == nil)
      #expect(try reader.read(HostPath("/etc/systemd/user/a.service")!) == nil)
      #expect(try reader.list(HostPath("/etc/systemd/user")!) == nil)
      #expect(try reader.read(a) == fs.read(a))
    }
  }

  @Test func pathsCannotLeaveTheRoot() {
    #expect(HostPath("/etc/../../shadow") == nil)
    #expect(HostPath("etc/passwd") == nil)
    #expect(HostPath("/etc/./passwd") == nil)
    #expect(HostPath("/etc//passwd") == nil)
    #expect(HostPath("/etc/systemd/")?.description == "/etc/systemd")
    #expect(HostPath("/etc")?.appending("..") == nil)
  }

  @Test func aSecondRunLockIsBusy() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let state = HostPath("/var/lib/reconcile")!
    let first = try RunLock(fs: fs, stateDirectory: state)
    #expect(throws: RunLock.Busy.self) { try RunLock(fs: fs, stateDirectory: state) }
    withExtendedLifetime(first) {}
  }
}
