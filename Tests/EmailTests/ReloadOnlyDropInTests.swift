import Core
import Email
import Foundation
import TestSupport
import Testing
import Units

/// Turning failure email on adds `OnFailure=` (and start-limit) drop-ins, which systemd takes
/// at daemon-reload: the units plugin reloads and restarts nothing. Planned against a host
/// whose units run (the runtime states a live systemd would report), without one.
@Suite struct ReloadOnlyDropInTests {
  /// The fixture applied without email, then its host file given the email section; returns
  /// the units plugin's plan with every enabled unit active. `restarting` marks the email
  /// drop-ins as restarting their units (the default of other plugins' drop-ins).
  func planTurningEmailOn(restarting: Bool = false) throws -> PluginPlan {
    let fixture = try EmailFixture(email: nil)
    try fixture.harness.apply()
    try fixture.writeHost(email: EmailFixture.emailSection)
    return try unitsPlan(fixture, running: ["node.service", "report.timer"], restarting: restarting)
  }

  /// The units plugin's plan for the fixture's repository as it is now (the email plugin's
  /// drop-ins contributed first), against the fixture's root, with the `running` units active
  /// as a live systemd would report them.
  func unitsPlan(_ fixture: EmailFixture, running: [String], restarting: Bool = false) throws
    -> PluginPlan
  {
    let loaded = try fixture.harness.load()
    var contributions = Contributions()
    var diagnostics = Diagnostics()
    _ = EmailPlugin().decode(
      loaded.declarations, contributions: &contributions, diagnostics: &diagnostics)
    if restarting {
      for index in contributions.dropIns.indices {
        contributions.dropIns[index].restartsUnit = true
      }
    }
    let units = UnitsPlugin()
    let desired = units.decode(
      loaded.declarations, contributions: &contributions, diagnostics: &diagnostics)
    let fs = try fixture.harness.fileSystem()
    let ledger = try Ledger.load(from: fs, stateDirectory: fixture.harness.stateDirectory)
    let facts = HostFacts(
      name: "gemini", live: true, stateDirectory: fixture.harness.stateDirectory)
    var observed = try units.observe(desired, ledger: ledger, host: Core.Host(fs: fs, facts: facts))
    observed.live = true
    for unit in running {
      observed.runtime[UnitName(unit)!] = UnitRuntimeState(
        loadState: "loaded", activeState: "active", subState: "running",
        unitFileState: "enabled", invocationID: "0123456789abcdef0123456789abcdef")
    }
    return units.plan(desired, observed: observed, ledger: ledger, host: facts)
  }

  @Test func turningEmailOnReloadsAndRestartsNothing() throws {
    let plan = try planTurningEmailOn()
    let addresses = plan.changes.map(\.address.description)
    #expect(addresses.contains("drop-in:node.service/50-reconcile-email.conf"), "\(addresses)")
    #expect(addresses.contains("drop-in:report.timer/50-reconcile-email.conf"))
    #expect(addresses.contains("systemd:daemon-reload"))
    #expect(!addresses.contains { $0.hasPrefix("activation:") }, "\(addresses)")
  }

  @Test func aDropInThatRestartsItsUnitStillRestartsIt() throws {
    let plan = try planTurningEmailOn(restarting: true)
    let restarts = plan.changes.filter { $0.address.kind == "activation" }.map(\.address.name)
    #expect(restarts.sorted() == ["node.service", "report.timer"])
  }

  @Test func removingEmailReloadsAndRestartsNothing() throws {
    let fixture = try EmailFixture()
    try fixture.harness.apply()
    try fixture.writeHost(email: nil)
    let plan = try unitsPlan(fixture, running: ["node.service"])
    let addresses = plan.changes.map(\.address.description)
    #expect(addresses.contains("drop-in:node.service/50-reconcile-email.conf"), "\(addresses)")
    #expect(addresses.contains("systemd:daemon-reload"))
    #expect(!addresses.contains("activation:node.service"), "\(addresses)")
  }
}
