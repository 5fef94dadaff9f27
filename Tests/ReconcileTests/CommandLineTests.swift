import Core
import Foundation
import TestSupport
import Testing

/// The built `reconcile` binary: output and exit codes, as a user sees them.
@Suite struct CommandLineTests {
  let scratch: ScratchDirectory

  init() throws {
    scratch = try ScratchDirectory("cli")
    try DebianRoot.seed(scratch.join("root"))
  }

  func reconcile(_ arguments: [String]) throws -> CommandResult {
    try TestCommand.reconcile(arguments)
  }

  var hostArguments: [String] { ["--repo", exampleRepository, "--host", "gemini", "--root", scratch.join("root")] }

  @Test func planExitsTwoWithChangesThenZeroAfterApply() throws {
    let plan = try reconcile(["plan"] + hostArguments)
    #expect(plan.status == 2, "\(plan.stderr)")
    #expect(plan.stdout.contains("+ unit:report.timer"))
    #expect(!plan.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    let apply = try reconcile(["apply"] + hostArguments)
    #expect(apply.status == 0, "\(apply.stderr)")
    let again = try reconcile(["plan"] + hostArguments)
    #expect(again.status == 0)
    #expect(again.stdout.contains("No changes."))
  }

  @Test func dryRunIsPlan() throws {
    let before = try TreeSnapshot(scratch.join("root"))
    let dryRun = try reconcile(["--dry-run"] + hostArguments)
    let plan = try reconcile(["plan"] + hostArguments)
    #expect(dryRun.status == 2)
    #expect(dryRun.stdout == plan.stdout)
    #expect(try TreeSnapshot(scratch.join("root")).differences(from: before) == [], "plan wrote nothing")
  }

  @Test func planOnASeededRootShowsAccounts() throws {
    let plan = try reconcile(["plan"] + hostArguments)
    #expect(plan.status == 2, "\(plan.stderr)")
    for line in [
      "+ group:bitcoin", "~ group:debian-tor", "[adoption]", "+ user:bitcoin", "create system user bitcoin (UID 999)",
      "+ subids:matrix", "+ linger:matrix",
    ] {
      #expect(plan.stdout.contains(line), "missing \(line) in\n\(plan.stdout)")
    }
  }

  @Test func planOnARootWithoutAccountFilesSaysSo() throws {
    try FileManager.default.createDirectory(atPath: scratch.join("bare"), withIntermediateDirectories: true)
    let plan = try reconcile(["plan", "--repo", exampleRepository, "--host", "gemini", "--root", scratch.join("bare")])
    #expect(plan.status == 1)
    #expect(plan.stderr.contains("the host has no /etc/passwd or /etc/group"), "\(plan.stderr)")
  }

  @Test func jsonPlanCarriesAddressActionAndCause() throws {
    let result = try reconcile(["plan", "--format", "json"] + hostArguments)
    #expect(result.status == 2)
    let plan = try JSONDecoder().decode(Plan.self, from: Data(result.stdout.utf8))
    let change = try #require(plan.changes.first { $0.address == Address("enablement", "report.timer") })
    #expect(change.action == .create)
    #expect(change.cause == .new)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let first = (object?["changes"] as? [[String: Any]])?.first
    #expect(first?["address"] is String && first?["action"] is String && first?["cause"] is String)
  }

  @Test func checkValidatesTheExample() throws {
    let result = try reconcile(["check", exampleRepository])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("gemini"))
  }

  @Test func helpDocumentsExitCodes() throws {
    let result = try reconcile(["--help"])
    #expect(result.stdout.contains("Exit codes:"))
    #expect(result.stdout.contains("75"))
  }

  @Test func aSecondConcurrentApplyIsBusy() throws {
    let fs = try RootedFileSystem(root: scratch.join("root"))
    let lock = try RunLock(fs: fs, stateDirectory: HostPath("/var/lib/reconcile")!)
    let before = try TreeSnapshot(scratch.join("root"))
    let result = try reconcile(["apply"] + hostArguments)
    withExtendedLifetime(lock) {}
    #expect(result.status == 75)
    #expect(result.stderr.contains("busy"))
    #expect(try TreeSnapshot(scratch.join("root")).differences(from: before) == [])
  }

  @Test func aRepositoryWithManyMistakesReportsAllAndChangesNothing() throws {
    try scratch.copy(from: exampleRepository, to: "repo")
    // 1. an unknown key with a typo
    try scratch.write(
      "repo/roles/bitcoin/role.yaml", "units:\n  bitcoind.service:\n    enabel: true\nusers:\n  bitcoin: {}\n")
    // 2. a unit file that is not systemd syntax
    try scratch.write("repo/roles/report/units/report.service", "[Unit]\nDescription=x\nthis line is wrong\n")
    // 3. an invalid unit name
    try scratch.write("repo/roles/lightning/units/bad name.service", "[Service]\nExecStart=/bin/true\n")
    // 4. a declaration of a unit nobody ships, and 5. yes instead of true
    try scratch.write(
      "repo/roles/report/role.yaml", "units:\n  report.timer:\n    enable: yes\n  reprot.service:\n    enable: true\n")
    // 6. the same unit shipped by two layers
    try scratch.write("repo/roles/matrix/units/report.timer", "[Timer]\nOnCalendar=daily\n")
    // 7. a missing role
    try scratch.write("repo/hosts/gemini.yaml", "roles: [bitcoin, lightning, report, matrix, nosuchrole]\n")
    let root = scratch.join("root")
    try scratch.write("root/etc/systemd/system/keep.service", "[Service]\nExecStart=/bin/true\n")
    let before = try TreeSnapshot(root)
    for command in ["plan", "apply"] {
      let result = try reconcile([command, "--repo", scratch.join("repo"), "--host", "gemini", "--root", root])
      #expect(result.status == 1)
      let expected = [
        "roles/bitcoin/role.yaml:3:5: error: unknown key 'enabel'",
        "roles/report/units/report.service:3:1: error: expected Key=Value",
        "roles/lightning/units/bad name.service: error: unit name 'bad name.service' contains a character",
        "roles/report/role.yaml:4:3: error: unit reprot.service is declared but no layer ships reprot.service",
        "roles/report/role.yaml:3:13: error: 'enable' of unit 'report.timer' must be true or false, found 'yes'",
        "roles/matrix/units/report.timer: error: unit report.timer is shipped by both role 'report' and role 'matrix'",
        "hosts/gemini.yaml:1:45: error: role 'nosuchrole' does not exist",
      ]
      for line in expected {
        #expect(result.stderr.contains(line), "missing: \(line)\n\(result.stderr)")
      }
      #expect(result.stderr.contains("did you mean 'enable'?"))
      #expect(
        result.stderr.contains(" 3 |     enabel: true\n   |     ^"), "the line, and a caret under the offending column")
    }
    let check = try reconcile(["check", scratch.join("repo")])
    #expect(check.status == 1)
    #expect(check.stderr.contains("7 errors found."))
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }
}
