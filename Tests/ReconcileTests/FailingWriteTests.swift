import Foundation
import TestSupport
import Testing

/// Writes that fail: a full disk and a read-only file system (real ones: a small tmpfs), an
/// I/O error on every fsync (strace's fault injection). The run fails with exit 1 and a
/// message naming the file, and the host is as it was: only reconcile's own lock appears.
@Suite(.serialized) struct FailingWriteTests {
  let scratch: ScratchDirectory
  let mount: String

  init() throws {
    scratch = try ScratchDirectory("failing-writes")
    mount = try scratch.sub("mount")
  }

  func arguments(_ root: String) -> [String] {
    ["apply", "--repo", exampleRepository, "--host", "gemini", "--root", root]
  }

  /// Mounts a tmpfs of `kilobytes` at `mount`, runs `body`, and unmounts it.
  func withTmpfs(kilobytes: Int, _ body: () throws -> Void) throws {
    let mounted = try TestCommand.run(["mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", mount])
    try #require(mounted.status == 0, "mount: \(mounted.stderr)")
    defer { _ = try? TestCommand.run(["umount", mount]) }
    try body()
  }

  /// The differences of the root's tree, but for reconcile's state folder and lock.
  func changes(_ root: String, since before: TreeSnapshot) throws -> [String] {
    try TreeSnapshot(root).differences(from: before).filter {
      !["var", "var/lib", "var/lib/reconcile", "var/lib/reconcile/lock"].contains($0)
    }
  }

  @Test("disk full: exit 1, the file named, nothing changed")
  func diskFull() throws {
    try withTmpfs(kilobytes: 256) {
      let root = mount + "/root"
      try DebianRoot.seed(root)
      try FileManager.default.createDirectory(atPath: root + "/var/lib/reconcile", withIntermediateDirectories: true)
      // Fill the rest of the file system.
      _ = try TestCommand.run(["dd", "if=/dev/zero", "of=\(root)/filler", "bs=4k"])
      let before = try TreeSnapshot(root)
      let result = try TestCommand.reconcile(arguments(root))
      #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
      let output = result.stdout + result.stderr
      #expect(output.contains("No space left on device"), "\(output)")
      // The first creation's journal line fails: that change is not applied, and says why.
      let journal = "\(root)/var/lib/reconcile/ledger.journal"
      #expect(output.contains("could not record it in the ledger first: \(journal)"), "\(output)")
      #expect(output.contains("\(root)/var/lib/reconcile/ledger.json"), "\(output)")
      #expect(try changes(root, since: before) == [])
    }
  }

  @Test("read-only file system: exit 1, the file named, nothing changed")
  func readOnly() throws {
    try withTmpfs(kilobytes: 4096) {
      let root = mount + "/root"
      try DebianRoot.seed(root)
      let before = try TreeSnapshot(root)
      let remount = try TestCommand.run(["mount", "-o", "remount,ro", mount])
      try #require(remount.status == 0, "\(remount.stderr)")
      let result = try TestCommand.reconcile(arguments(root))
      #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
      let output = result.stdout + result.stderr
      #expect(output.contains("Read-only file system"), "\(output)")
      #expect(output.contains("\(root)/var/lib could not be created"), "\(output)")
      #expect(try changes(root, since: before) == [])
    }
  }

  @Test("an I/O error on every fsync: exit 1, the file named, nothing changed")
  func ioError() throws {
    let root = try scratch.sub("root")
    try DebianRoot.seed(root)
    try FileManager.default.createDirectory(atPath: root + "/var/lib/reconcile", withIntermediateDirectories: true)
    let before = try TreeSnapshot(root)
    let result = try TestCommand.run(
      ["strace", "-qq", "-o", "/dev/null", "-e", "trace=fsync", "-e", "inject=fsync:error=EIO", TestCommand.reconcile]
        + arguments(root))
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let output = result.stdout + result.stderr
    #expect(output.contains("Input/output error"), "\(output)")
    let journal = "\(root)/var/lib/reconcile/ledger.journal"
    #expect(output.contains("could not record it in the ledger first: \(journal)"), "\(output)")
    #expect(output.contains("\(root)/var/lib/reconcile/ledger.json"), "\(output)")
    #expect(try changes(root, since: before) == [])
    #expect(try CrashSafetyTests.temporaries(root) == [])
  }
}
