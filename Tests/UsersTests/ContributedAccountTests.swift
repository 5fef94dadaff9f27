import Core
import Foundation
import Linger
import Subids
import TestSupport
import Testing
import Users

/// Stands in for the podman plugin, which does not exist yet: it contributes the account a
/// container needs, exactly as the real one will (a producer of contributions, not a mock).
private struct ContainerStandIn: Plugin {
  var name: String { "podman" }
  var sections: [String] { [] }

  func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> Int {
    contributions.accounts.append(
      AccountRequirement(
        user: "bot", subordinateIDs: true, linger: true, origin: "podman",
        position: SourcePosition(file: "roles/matrix/role.yaml", line: 1)))
    return 0
  }

  func observe(_ desired: Int, ledger: Ledger, host: Core.Host) throws -> Int { 0 }
  func plan(_ desired: Int, observed: Int, ledger: Ledger, host: HostFacts) -> PluginPlan {
    PluginPlan()
  }
  func apply(_ change: Change, host: Core.Host, ledger: inout Ledger) throws -> String? { nil }
}

@Suite("Accounts other plugins need", .enabled(if: getuid() == 0, "shadow-utils needs root"))
struct ContributedAccountTests {
  @Test("A user a container needs is created as a system user with a home, ranges and linger")
  func containerUser() throws {
    let scratch = try ScratchDirectory("contributed")
    try scratch.copy(from: exampleRepository, to: "repo")
    try DebianRoot.seed(scratch.join("root"))
    let harness = EngineHarness(
      plugins: [ContainerStandIn(), UsersPlugin(), SubidsPlugin(), LingerPlugin()],
      otherSections: ["units", "hardening", "email", "containers", "podman"],
      repository: scratch.join("repo"), host: "gemini", root: scratch.join("root"))
    let result = try harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let accounts = try AccountFiles(fs: RootedFileSystem(root: scratch.join("root"))).read()
    let bot = try #require(accounts.passwd.entry(named: "bot"))
    #expect(accounts.loginDefs.systemUIDs.contains(bot.uid))
    #expect((bot.home, bot.shell) == ("/var/lib/bot", "/usr/sbin/nologin"))
    #expect(scratch.exists("root/var/lib/bot"))
    // matrix (declared) and bot (contributed) both get ranges, side by side.
    #expect(try scratch.read("root/etc/subuid") == "bot:100000:65536\nmatrix:165536:65536\n")
    #expect(scratch.exists("root/var/lib/systemd/linger/bot"))
    #expect(try harness.plan().changes.isEmpty)
  }
}
