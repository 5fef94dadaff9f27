import Core
import Foundation
import Hardening
import TestSupport
import Testing
import Units

/// The units plugin against an offline root (`--root`), with the example repository.
@Suite struct UnitsOfflineTests {
  let scratch: ScratchDirectory
  let repository: String
  let root: String

  init() throws {
    scratch = try ScratchDirectory("units")
    try scratch.copy(from: exampleRepository, to: "repo")
    repository = scratch.join("repo")
    try FileManager.default.createDirectory(atPath: scratch.join("root"), withIntermediateDirectories: true)
    root = scratch.join("root")
  }

  /// The example repository needs every plugin whose section it uses (hardening contributes
  /// drop-ins the units plugin installs).
  var harness: EngineHarness {
    EngineHarness(
      plugins: [HardeningPlugin(), UnitsPlugin()], otherSections: ["users", "groups", "email", "containers", "podman"],
      repository: repository,
      host: "gemini", root: root)
  }

  /// A plan made only to be applied (`apply` printing text) keeps no summary or diff, and
  /// applying it converges the host as the full plan does.
  @Test func aPlanOnlyForApplyingKeepsTheStepsWithoutSummariesOrDiffs() throws {
    let fs = try harness.fileSystem()
    let host = Host(
      fs: fs,
      facts: HostFacts(
        name: "gemini", live: false, liveUnavailableReason: nil, stateDirectory: harness.stateDirectory))
    let shown = try harness.engine.plan(try harness.load(), host: host, ledger: Ledger())
    let applied = try harness.engine.plan(try harness.load(), host: host, ledger: Ledger(), forDisplay: false)
    #expect(shown.changes.contains { !$0.diff.isEmpty } && shown.changes.allSatisfy { !$0.summary.isEmpty })
    #expect(applied.changes.allSatisfy { $0.diff.isEmpty && $0.summary.isEmpty })
    #expect(applied.changes.map(\.address) == shown.changes.map(\.address))
    #expect(applied.changes.map(\.payload) == shown.changes.map(\.payload))
    var ledger = Ledger()
    #expect(harness.engine.apply(applied, host: host, ledger: &ledger).succeeded)
    try ledger.store(in: fs, stateDirectory: harness.stateDirectory, previous: nil)
    #expect(try harness.plan().changes.isEmpty)
  }

  /// Told the plan is not for showing, the plugin does not make the diffs of new files (each
  /// the file's whole text); the summaries, which the engine drops itself, it still makes.
  @Test func aPlanNotForDisplayGetsNoDiffsOfNewFilesFromThePlugin() throws {
    let host = Host(
      fs: try harness.fileSystem(),
      facts: HostFacts(name: "gemini", live: false, stateDirectory: harness.stateDirectory))
    let loaded = try harness.load()
    var observation = try harness.engine.observe(loaded, host: host, ledger: Ledger())
    let shown = try harness.engine.plan(loaded, observation: observation)
    observation.facts.forDisplay = false
    let applied = try harness.engine.plan(loaded, observation: observation)
    let files = { (plan: Plan) in plan.changes.filter { ["unit", "drop-in"].contains($0.address.kind) } }
    #expect(!files(shown).isEmpty && files(shown).allSatisfy { !$0.diff.isEmpty })
    #expect(files(applied).allSatisfy { $0.diff.isEmpty && !$0.summary.isEmpty })
    #expect(applied.changes.map(\.payload) == shown.changes.map(\.payload))
  }

  @Test func enablementLinksMatchSystemctl() throws {
    let result = try harness.apply()
    #expect(result.report.succeeded)
    // The same unit files enabled by systemctl itself, offline.
    let reference = try ScratchDirectory("systemctl")
    try FileManager.default.createDirectory(atPath: reference.join("etc/systemd"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "\(root)/etc/systemd/system", toPath: reference.join("etc/systemd/system"))
    for folder in try FileManager.default.contentsOfDirectory(atPath: reference.join("etc/systemd/system"))
    where folder.hasSuffix(".wants") {
      try FileManager.default.removeItem(atPath: reference.join("etc/systemd/system/\(folder)"))
    }
    let enabled = ["bitcoind.service", "lightningd.service", "lightning-backup.path", "report.timer"]
    let systemctl = try TestCommand.run(["systemctl", "--root=\(reference.path)", "enable"] + enabled)
    #expect(systemctl.status == 0, "systemctl failed: \(systemctl.stderr)")
    let ours = try links(under: "\(root)/etc/systemd/system")
    let theirs = try links(under: reference.join("etc/systemd/system"))
    #expect(!ours.isEmpty)
    #expect(ours == theirs)
  }

  @Test func aSecondApplyChangesAndWritesNothing() throws {
    try harness.apply()
    let before = try TreeSnapshot(root)
    let second = try harness.apply()
    #expect(second.plan.changes.isEmpty)
    #expect(second.writes == 0)
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test func aHandEditShowsAsDriftAndIsReverted() throws {
    try harness.apply()
    let unit = "\(root)/etc/systemd/system/report.timer"
    let original = try String(contentsOfFile: unit, encoding: .utf8)
    try (original + "OnBootSec=5min\n").write(toFile: unit, atomically: false, encoding: .utf8)
    let plan = try harness.plan()
    let change = try #require(plan.changes.first)
    #expect(plan.changes.count == 1)
    #expect(change.address == Address("unit", "report.timer"))
    #expect(change.cause == .drift)
    #expect(change.diff.contains("-OnBootSec=5min"))
    try harness.apply()
    #expect(try String(contentsOfFile: unit, encoding: .utf8) == original)
  }

  @Test func aRemovedUnitIsDisabledAndDeletedWhileAHandMadeOneSurvives() throws {
    try harness.apply()
    try scratch.write("root/etc/systemd/system/hand-made.service", "[Service]\nExecStart=/bin/true\n")
    try FileManager.default.createSymbolicLink(
      atPath: "\(root)/etc/systemd/system/timers.target.wants/hand-made.timer",
      withDestinationPath: "/etc/systemd/system/hand-made.timer")
    // The report role loses its timer and service.
    try FileManager.default.removeItem(atPath: "\(repository)/roles/report/units/report.timer")
    try FileManager.default.removeItem(atPath: "\(repository)/roles/report/units/report.service")
    try scratch.write("repo/roles/report/role.yaml", "units: {}\n")
    let result = try harness.apply()
    #expect(result.report.succeeded)
    let removed = Set(result.plan.changes.filter { $0.action == .delete }.map(\.address))
    #expect(
      removed == [
        Address("unit", "report.timer"), Address("unit", "report.service"), Address("enablement", "report.timer"),
        Address("drop-in", "report.service/50-reconcile-hardening.conf"),
      ])
    #expect(result.plan.changes.allSatisfy { $0.cause == .prune })
    // Disabled before deleted.
    let order = result.plan.changes.map(\.address)
    #expect(
      order.firstIndex(of: Address("enablement", "report.timer"))! < order.firstIndex(
        of: Address("unit", "report.timer"))!)
    #expect(!scratch.exists("root/etc/systemd/system/report.timer"))
    #expect(!scratch.exists("root/etc/systemd/system/timers.target.wants/report.timer"))
    #expect(try scratch.read("root/etc/systemd/system/hand-made.service") == "[Service]\nExecStart=/bin/true\n")
    #expect(scratch.exists("root/etc/systemd/system/timers.target.wants/hand-made.timer"))
    #expect(try harness.plan().changes.isEmpty)
  }

  @Test func aUnitFileReconcileDidNotCreateIsAdoptedNotDeleted() throws {
    try scratch.write("root/etc/systemd/system/report.service", "[Service]\nExecStart=/bin/false\n")
    let plan = try harness.plan()
    let change = try #require(plan.changes.first { $0.address == Address("unit", "report.service") })
    #expect(change.cause == .adoption)
    try harness.apply()
    // Leaving the repository does not delete a file reconcile only adopted.
    try FileManager.default.removeItem(atPath: "\(repository)/roles/report/units/report.service")
    try FileManager.default.removeItem(atPath: "\(repository)/roles/report/units/report.timer")
    try scratch.write("repo/roles/report/role.yaml", "units: {}\n")
    try harness.apply()
    #expect(scratch.exists("root/etc/systemd/system/report.service"))
    #expect(!scratch.exists("root/etc/systemd/system/report.timer"))
  }

  @Test func enablingATimerAndItsServiceIsWarnedAbout() throws {
    let role = try scratch.read("repo/roles/report/role.yaml")
    let declaration = "units:\n  report.timer:\n    enable: true\n"
    try #require(role.contains(declaration))
    let edited = role.replacingOccurrences(of: declaration, with: declaration + "  report.service:\n    enable: true\n")
    try scratch.write("repo/roles/report/role.yaml", edited)
    let line =
      edited.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "  report.service:" }! + 1
    let plan = try harness.plan()
    let warning = try #require(plan.diagnostics.first { $0.code == "trigger-enabled" })
    #expect(warning.severity == .warning)
    #expect(warning.position?.file == "roles/report/role.yaml")
    #expect(warning.position?.line == line)
  }

  /// Symlinks under `folder`, relative path to target.
  private func links(under folder: String) throws -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(relative)") {
        result[relative] = target
      }
    }
    return result
  }
}
