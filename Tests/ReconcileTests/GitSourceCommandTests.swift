import Core
import Foundation
import GitSource
import TestSupport
import Testing

/// `reconcile plan/apply --url`: the state comes from a git repository, verified.
@Suite struct GitSourceCommandTests {
  let scratch: ScratchDirectory
  let remote: Remote
  let signer: Signer
  let signers: String
  let root: String

  init() throws {
    scratch = try ScratchDirectory("cli-git")
    remote = try Remote(in: scratch)
    signer = try Signer("ops", in: scratch)
    signers = try allowedSigners([signer], in: scratch)
    try sh("cp -R '\(exampleRepository)'/. '\(remote.path)'")
    try remote.git("add", "-A")
    try remote.commit("Describe gemini", files: [:], signer: signer)
    root = try scratch.sub("root")
    try DebianRoot.seed(root)
  }

  func reconcile(_ command: String, _ extra: [String] = []) throws -> CommandResult {
    try TestCommand.reconcile(
      [command, "--url", "file://\(remote.path)", "--allowed-signers", signers, "--host", "gemini", "--root", root]
        + extra)
  }

  var lastApplied: String? {
    try? String(contentsOfFile: "\(root)/var/lib/reconcile/git-last-applied", encoding: .utf8)
  }

  @Test func signedHistoryAppliesAndAnUnsignedCommitIsRefused() throws {
    let first = try reconcile("apply")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(FileManager.default.fileExists(atPath: "\(root)/etc/systemd/system/report.timer"))
    let applied = try #require(lastApplied)
    #expect(applied.hasPrefix(try remote.head().hex))
    #expect(try reconcile("plan").status == 0)

    let unsigned = try remote.commit(
      "Sneak in a unit", files: ["roles/report/units/evil.service": "[Service]\nExecStart=/bin/sh -c 'id'\n"],
      signer: nil)
    let before = try TreeSnapshot(root)
    for command in ["plan", "apply"] {
      let result = try reconcile(command)
      #expect(result.status == 1)
      #expect(result.stderr.contains(unsigned.hex) || result.stderr.contains(unsigned.short), "\(result.stderr)")
    }
    #expect(lastApplied == applied)
    #expect(!FileManager.default.fileExists(atPath: "\(root)/etc/systemd/system/evil.service"))
    let changed = try TreeSnapshot(root).differences(from: before).filter { !$0.hasPrefix("var/lib/reconcile/git-") }
    #expect(changed == [])
  }

  @Test func aForcePushBackIsRefused() throws {
    #expect(try reconcile("apply").status == 0)
    let old = try remote.head()
    try remote.commit(
      "Add a timer", files: ["roles/report/units/report-weekly.timer": "[Timer]\nOnCalendar=weekly\n"], signer: signer)
    #expect(try reconcile("apply").status == 0)
    let applied = lastApplied
    try remote.git("reset", "-q", "--hard", old.hex)
    let result = try reconcile("apply")
    #expect(result.status == 1)
    #expect(result.stderr.contains(old.short) || result.stderr.contains(old.hex), "\(result.stderr)")
    #expect(lastApplied == applied)
  }

  @Test func aCommittedSymlinkIsRefusedWithItsPath() throws {
    try FileManager.default.createSymbolicLink(
      atPath: "\(remote.path)/roles/report/units/shadow.service", withDestinationPath: "/etc/shadow")
    try remote.git("add", "-A")
    try remote.commit("Link", files: [:], signer: signer)
    let result = try reconcile("apply")
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("roles/report/units/shadow.service: error: symlinks are not allowed"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(root)/etc/systemd"))
  }

  @Test func withTheRemoteGonePlanWorksFromTheMirrorAndSaysHowOld() throws {
    #expect(try reconcile("apply").status == 0)
    try FileManager.default.removeItem(atPath: remote.path)
    let result = try reconcile("plan")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("could not fetch"))
    #expect(result.stdout.contains("planning from the mirror as fetched"))
  }

  @Test func aNoOpApplyFromGitWritesNothingAtAll() throws {
    #expect(try reconcile("apply").status == 0)
    #expect(try reconcile("apply").status == 0)  // settles anything the first apply left
    let before = try TreeSnapshot(root)
    for _ in 0..<2 {
      let result = try reconcile("apply")
      #expect(result.status == 0, "\(result.stderr)")
    }
    // Not even the fetch record: it is younger than a tenth of stale-after (1 h by default).
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test func aHungRemoteTimesOutAndPlanWorksFromTheMirror() throws {
    #expect(try reconcile("apply").status == 0)
    try sh(
      "mkdir -p '\(root)/etc/reconcile' && printf 'repository:\\n  url: unused\\n"
        + "  fetch-timeout: 1s\\n' > '\(root)/etc/reconcile/config.yaml'")
    let mirror = try TreeSnapshot("\(root)/var/lib/reconcile")
    let server = try SilentServer()
    let url = "git://127.0.0.1:\(server.port)/state"
    let start = Date()
    let result = try TestCommand.reconcile(
      ["plan", "--url", url, "--allowed-signers", signers, "--host", "gemini", "--root", root])
    let elapsed = Date().timeIntervalSince(start)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("could not fetch \(url)"), "\(result.stdout)")
    #expect(result.stdout.contains("did not finish within 1 s"), "\(result.stdout)")
    #expect(elapsed < 5, "plan took \(elapsed) s against a remote that never answers")
    #expect(try TreeSnapshot("\(root)/var/lib/reconcile").differences(from: mirror) == [])
  }
}
