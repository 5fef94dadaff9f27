import Foundation
import TestSupport
import Testing

/// Someone who can write a folder reconcile writes into plants a symlink to a root-owned
/// canary where reconcile would write. The canary is never written, and the run says so.
@Suite struct SymlinkAttackTests {
  let scratch: ScratchDirectory
  let root: String
  let canary: String
  let canaryFolder: String

  init() throws {
    scratch = try ScratchDirectory("symlink-attack")
    root = try scratch.sub("root")
    try DebianRoot.seed(root)
    canary = scratch.join("canary")
    try "do not touch\n".write(toFile: canary, atomically: false, encoding: .utf8)
    canaryFolder = try scratch.sub("canary-folder")
    try "do not touch\n".write(toFile: canaryFolder + "/file", atomically: false, encoding: .utf8)
  }

  var arguments: [String] { ["--repo", exampleRepository, "--host", "gemini", "--root", root] }

  func plant(_ path: String, pointingAt target: String) throws {
    try FileManager.default.createDirectory(
      atPath: (root + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: root + path, withDestinationPath: target)
  }

  /// Applies and checks that neither canary changed; returns the run's output.
  func applyKeepingCanaries() throws -> (status: Int32, output: String) {
    let before = try TreeSnapshot(scratch.join("canary-folder"))
    let canaryBefore = try String(contentsOfFile: canary, encoding: .utf8)
    let result = try TestCommand.reconcile(["apply"] + arguments)
    #expect(try String(contentsOfFile: canary, encoding: .utf8) == canaryBefore, "the canary was written")
    #expect(try TreeSnapshot(scratch.join("canary-folder")).differences(from: before) == [])
    return (result.status, result.stdout + result.stderr)
  }

  @Test("the state folder /var/lib/reconcile is a symlink")
  func stateFolder() throws {
    try plant("/var/lib/reconcile", pointingAt: canaryFolder)
    let run = try applyKeepingCanaries()
    #expect(run.status == 1)
    #expect(run.output.contains("symlink"), "\(run.output)")
  }

  @Test("a unit's drop-in folder NAME.d is a symlink")
  func dropInFolder() throws {
    try plant("/etc/systemd/system/report.service.d", pointingAt: canaryFolder)
    let run = try applyKeepingCanaries()
    #expect(run.status == 1)
    #expect(run.output.contains("report.service.d"), "\(run.output)")
    #expect(run.output.contains("symlink"), "\(run.output)")
  }

  @Test("a symlink sits where a unit file goes")
  func unitFile() throws {
    try plant("/etc/systemd/system/report.timer", pointingAt: canary)
    let run = try applyKeepingCanaries()
    #expect(run.status == 1)
    #expect(run.output.contains("report.timer exists and is not a regular file"), "\(run.output)")
  }

  @Test("a symlink sits where an [Install] link's folder goes")
  func wantsFolder() throws {
    try plant("/etc/systemd/system/timers.target.wants", pointingAt: canaryFolder)
    let run = try applyKeepingCanaries()
    #expect(run.status == 1)
    #expect(run.output.contains("timers.target.wants"), "\(run.output)")
  }

  @Test("a symlink sits at the linger file /var/lib/systemd/linger/NAME")
  func lingerFile() throws {
    try plant("/var/lib/systemd/linger/matrix", pointingAt: canary)
    _ = try applyKeepingCanaries()
  }

  @Test("a user's home that useradd would make is a symlink")
  func home() throws {
    try plant("/var/lib/bitcoin", pointingAt: canaryFolder)
    let run = try applyKeepingCanaries()
    #expect(run.status == 0, "\(run.output)")
    let owner = try FileManager.default.attributesOfItem(atPath: canaryFolder)[.ownerAccountID] as? Int
    #expect(owner == 0, "the folder behind the symlink was not given to the user")
  }

  @Test("the metrics file is a symlink")
  func metricsFile() throws {
    try FileManager.default.createDirectory(atPath: root + "/etc/reconcile", withIntermediateDirectories: true)
    try "metrics-file: /var/lib/node-exporter/reconcile.prom\n".write(
      toFile: root + "/etc/reconcile/config.yaml", atomically: false, encoding: .utf8)
    try plant("/var/lib/node-exporter/reconcile.prom", pointingAt: canary)
    let run = try applyKeepingCanaries()
    #expect(run.output.contains("could not write the metrics file"), "\(run.output)")
    #expect(run.output.contains("is a symlink"), "\(run.output)")
  }
}
