import Core
import Foundation
import TestSupport
import Testing

/// `reconcile apply` of the example host onto a Debian 12 root, killed with SIGKILL at every
/// call that writes: each temporary file (fchown right after it is created), each fsync,
/// rename, symlink, folder and removal, and before (clone3) and after (lseek of its output)
/// each shadow-utils command. After every kill the host is sound (account files parse and
/// pass pwck/grpck, every unit file is either absent or complete) and the next run converges:
/// it succeeds, leaves no temporary file, and a plan after it shows no change.
@Suite struct CrashSafetyTests {
  /// The calls walked, and what a kill there means.
  static let syscalls = [
    "fchown",  // a temporary file was just created, still empty
    "fsync",  // a temporary file is written, not yet durable; or a folder after a rename
    "renameat",  // a temporary file is complete, not yet in place
    "symlinkat",  // an [Install] link is about to be made
    "mkdirat",  // a folder is about to be made
    "unlinkat",  // a stale temporary, a link or a file is about to go
    "clone3",  // a shadow-utils command is about to start
    "lseek",  // a shadow-utils command has finished; reconcile has not yet noted it
  ]

  /// Kill points walked per call, for the README's Reliability section (printed).
  @Test(arguments: syscalls)
  func killedAtEveryCall(of syscall: String) throws {
    let scratch = try ScratchDirectory("crash-\(syscall)")
    let reference = try scratch.sub("reference")
    try DebianRoot.seed(reference)
    let counts = try KillWalk.count([syscall], in: Self.apply(reference), scratch: scratch)
    let expected = try Self.managedFiles(reference)
    let total = try #require(counts[syscall], "the example's apply never calls \(syscall)")
    var walked = 0
    for occurrence in 1...(total + 1) {
      let root = try scratch.sub("root-\(occurrence)")
      try DebianRoot.seed(root)
      let point = KillPoint(syscall, occurrence)
      let run = try KillWalk.run(Self.apply(root), killingAt: point, scratch: scratch)
      guard run.killed else {
        #expect(run.status == 0, "the run past the last \(syscall) completes")
        #expect(occurrence == total + 1, "\(point): the run did not reach it")
        break
      }
      walked += 1
      KillWalk.waitForOrphans(mentioning: root)
      try Self.expectSound(root, expected: expected, after: "\(point) (\(run.lastCall))")
      let next = try TestCommand.run(Self.apply(root))
      #expect(next.status == 0, "after \(point): the next apply fails:\n\(next.stdout)\(next.stderr)")
      #expect(try Self.temporaries(root) == [], "after \(point) and a second run")
      try Self.expectSound(root, expected: expected, after: "\(point), then a full run")
      let plan = try TestCommand.reconcile(["plan"] + Self.hostArguments(root))
      #expect(plan.status == 0, "after \(point), a plan still shows changes:\n\(plan.stdout)")
      try FileManager.default.removeItem(atPath: root)
    }
    #expect(walked == total)
    print("kill walk: \(syscall): \(walked) kill points")
  }

  static func hostArguments(_ root: String) -> [String] {
    ["--repo", exampleRepository, "--host", "gemini", "--root", root]
  }

  static func apply(_ root: String) -> [String] {
    [TestCommand.reconcile, "apply"] + hostArguments(root)
  }

  /// The files and links under /etc/systemd after a complete run, with their contents.
  static func managedFiles(_ root: String) throws -> [String: String] {
    let run = try TestCommand.run(apply(root))
    guard run.status == 0 else { throw KillWalkError(message: "the reference apply failed: \(run.stderr)") }
    return try files(under: root + "/etc/systemd")
  }

  /// Each regular file's contents, each symlink's target (prefixed `->`), by relative path.
  static func files(under folder: String) throws -> [String: String] {
    var found: [String: String] = [:]
    let manager = FileManager.default
    for relative in manager.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? [] {
      let path = folder + "/" + relative
      let type = try manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType
      if type == .typeSymbolicLink {
        found[relative] = "-> " + (try manager.destinationOfSymbolicLink(atPath: path))
      } else if type == .typeRegular {
        found[relative] = try String(contentsOfFile: path, encoding: .utf8)
      }
    }
    return found
  }

  /// Temporary files reconcile (`.NAME.reconcile-tmp`) left anywhere under `root`.
  static func temporaries(_ root: String) throws -> [String] {
    (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
      .filter { $0.hasSuffix(".reconcile-tmp") }
  }

  /// Account files parse and pass pwck and grpck; every file and link under /etc/systemd is
  /// complete (the content a full run writes) or absent; the state records parse.
  static func expectSound(_ root: String, expected: [String: String], after what: String) throws {
    let database = try AccountFiles(fs: RootedFileSystem(root: root)).read()
    #expect(database.problems.isEmpty, "after \(what): \(database.problems)")
    for check in ["/usr/sbin/pwck", "/usr/sbin/grpck"] {
      let result = try TestCommand.run([check, "-r", "-R", root])
      #expect(result.status == 0, "after \(what): \(check):\n\(result.stdout)\(result.stderr)")
    }
    for (path, contents) in try files(under: root + "/etc/systemd")
    where !path.hasSuffix(".reconcile-tmp") {
      #expect(expected[path] == contents, "after \(what): /etc/systemd/\(path) is partial or foreign")
    }
    let ledger = root + "/var/lib/reconcile/ledger.json"
    if let data = FileManager.default.contents(atPath: ledger) {
      #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "after \(what): the ledger")
    }
  }
}
