import Core
import Foundation
import Hardening
import Testing

/// The scorer against `systemd-analyze security --offline=yes` of systemd 252, on the corpus
/// under `Corpus/`.
@Suite struct ExposureOracleTests {
  @Test func corpusIsLargeEnough() {
    #expect(OracleCase.all.count >= 40, "the oracle corpus must hold at least 40 unit variants")
  }

  /// Agreement with the outputs recorded from the oracle: runs on any machine.
  @Test(arguments: OracleCase.all)
  func scorerMatchesRecordedOracle(_ corpusCase: OracleCase) throws {
    let report = ExposureReport(unit: try corpusCase.mergedUnit(), name: try corpusCase.unitName())
    let problems = differences(report, try corpusCase.golden())
    #expect(problems.isEmpty, "\(corpusCase.name):\n\(problems.joined(separator: "\n"))")
  }

  /// Agreement with the real oracle, run now. With `HARDENING_UPDATE_GOLDEN=1` the recorded
  /// outputs are rewritten from it; otherwise they must still equal what it prints.
  @Test(
    .enabled(
      if: SystemdAnalyzeOracle.found != nil || SystemdAnalyzeOracle.inCI,
      "SKIPPED: no systemd-analyze (install systemd or run scripts/testbed build)"),
    arguments: OracleCase.all)
  func scorerMatchesLiveOracle(_ corpusCase: OracleCase) throws {
    guard let oracle = SystemdAnalyzeOracle.found else {
      Issue.record(
        "CI=true but no systemd-analyze and no test-bed rootfs: the oracle test cannot run")
      return
    }
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("hardening-oracle-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try corpusCase.install(into: root)
    let name = try corpusCase.unitName()
    let live = try oracle.run(unit: name.rawValue, root: root.path)
    let report = ExposureReport(unit: try corpusCase.mergedUnit(), name: name)
    let problems = differences(report, live)
    let summary = problems.joined(separator: "\n")
    #expect(problems.isEmpty, "\(corpusCase.name) (\(oracle.description)):\n\(summary)")
    if ProcessInfo.processInfo.environment["HARDENING_UPDATE_GOLDEN"] == "1" {
      try live.json.write(
        to: corpusCase.directory.appendingPathComponent("oracle.json"), atomically: true,
        encoding: .utf8)
      try live.text.write(
        to: corpusCase.directory.appendingPathComponent("oracle.txt"), atomically: true,
        encoding: .utf8)
    } else {
      let golden = try corpusCase.golden()
      #expect(
        golden.json == live.json,
        "\(corpusCase.name): oracle.json is stale; rerun with HARDENING_UPDATE_GOLDEN=1")
      #expect(
        overallExposure(in: golden.text) == overallExposure(in: live.text),
        "\(corpusCase.name): oracle.txt is stale")
    }
  }

  /// The corpus's profile cases use exactly the built-in profiles' drop-ins.
  @Test(arguments: HardeningProfile.builtIn)
  func corpusUsesBuiltInProfiles(_ profile: HardeningProfile) throws {
    for who in ["root", "user", "dynamic"] {
      let path = OracleCase.corpus.appendingPathComponent(
        "profile-\(profile.name)-\(who)/svc.service.d/\(HardeningProfile.dropInName)")
      let text = try String(contentsOf: path, encoding: .utf8)
      #expect(text == profile.dropIn, "\(path.path) differs from the built-in profile")
    }
  }
}
