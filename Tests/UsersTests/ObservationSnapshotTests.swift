import Core
import Foundation
import Linger
import Subids
import TestSupport
import Testing
import Units
import Users

/// The engine plans a live host straight from each plugin's observation, and a saved
/// snapshot through its JSON: both must give the same plan, on a fresh root and on a
/// converged one that drifted.
@Suite(
  "A saved observation plans as the host does",
  .enabled(if: getuid() == 0, "shadow-utils needs root"))
struct ObservationSnapshotTests {
  let scratch: ScratchDirectory
  let harness: EngineHarness

  init() throws {
    scratch = try ScratchDirectory("snapshot")
    harness = try .accountsOnExample(in: scratch)
  }

  /// The live plan and the plan of the observation after a JSON round trip, as JSON.
  func bothPlans() throws -> (live: String, snapshot: String) {
    let fs = try harness.fileSystem()
    let host = Host(
      fs: fs, facts: HostFacts(name: "gemini", live: false, stateDirectory: harness.stateDirectory))
    let ledger = try Ledger.load(from: fs, stateDirectory: harness.stateDirectory)
    let loaded = try harness.load()
    let live = try harness.engine.plan(loaded, host: host, ledger: ledger)
    let saved = try harness.engine.observe(loaded, host: host, ledger: ledger).json()
    let observation = try JSONDecoder().decode(HostObservation.self, from: saved)
    let snapshot = try harness.engine.plan(loaded, observation: observation)
    return (live.json(), snapshot.json())
  }

  @Test("On a fresh root, both plan every account, range, link and file")
  func fresh() throws {
    let plans = try bothPlans()
    #expect(plans.live == plans.snapshot)
    #expect(plans.live.contains("user:bitcoin"))
  }

  @Test("On a converged root with drift, both see the same drift and nothing else")
  func drifted() throws {
    try harness.apply()
    // Drift an account the users plugin manages and a unit file the units plugin installed.
    _ = try ShadowUtilsRunner().run(
      ShadowCommand("/usr/sbin/usermod", ["--prefix", harness.root, "-s", "/bin/sh", "report"]))
    try scratch.write("root/etc/systemd/system/report.timer", "[Timer]\nOnCalendar=daily\n")
    let plans = try bothPlans()
    #expect(plans.live == plans.snapshot)
    #expect(plans.live.contains("user:report") && plans.live.contains("unit:report.timer"))
    #expect(!plans.live.contains("user:bitcoin"))
  }
}
