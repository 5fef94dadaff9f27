import Core
import Foundation
import Hardening
import Testing

/// The built-in profiles and the advice, scored by the scorer the oracle tests hold to
/// systemd's numbers.
@Suite struct HardeningAdviceTests {
  static let bare = """
    [Unit]
    Description=Report
    [Service]
    ExecStart=/usr/local/bin/report

    """

  static func unit(_ text: String = bare, with profile: HardeningProfile? = nil) throws -> UnitFile {
    let base = try UnitFile.parse(text, file: "report.service").get()
    guard let profile else { return base }
    let dropIn = try UnitFile.parse(profile.dropIn, file: HardeningProfile.dropInName).get()
    return UnitFile.merged(base, dropIns: [dropIn])
  }

  static let name = UnitName("report.service")!

  @Test func profilesGetStricterInOrder() throws {
    let service = Self.bare + "User=report\n"
    var previous = ExposureReport(unit: try Self.unit(service), name: Self.name).exposure
    for profile in HardeningProfile.builtIn {
      let exposure = ExposureReport(unit: try Self.unit(service, with: profile), name: Self.name)
        .exposure
      #expect(exposure < previous, "\(profile.name) does not lower the exposure")
      previous = exposure
    }
  }

  @Test func strictProfileMakesAUserServiceSafe() throws {
    let report = ExposureReport(
      unit: try Self.unit(Self.bare + "User=report\n", with: .strict), name: Self.name)
    #expect(report.exposure <= 10, "strict should reach SAFE, got \(report.exposureText)")
    #expect(report.level == .safe)
  }

  @Test func adviceNamesTheHeaviestChecksFirst() throws {
    let advice = HardeningAdvice(unit: try Self.unit(), name: Self.name, limit: 3)
    #expect(advice.exposure == 96)
    #expect(
      advice.fixes.map(\.check) == [
        "PrivateNetwork=", "User=/DynamicUser=",
        "CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)",
      ])
    #expect(advice.fixes.first?.directives == [.init("PrivateNetwork", "yes")])
    for fix in advice.fixes {
      #expect(fix.exposureAfter < advice.exposure, "\(fix.check) does not lower the exposure")
    }
    #expect(advice.lines.first == "PrivateNetwork= (0.5): PrivateNetwork=yes, exposure 9.6 -> 9.1")
  }

  @Test func everyFixRepairsItsCheck() throws {
    let advice = HardeningAdvice(unit: try Self.unit(), name: Self.name, limit: 100)
    let failing = ExposureReport(unit: try Self.unit(), name: Self.name).verdicts
      .filter { ($0.badness ?? 0) > 0 }
    // Only the root directory check has no directive that fixes it alone.
    #expect(
      Set(failing.map(\.id)).subtracting(advice.fixes.map(\.check))
        == ["RootDirectory=/RootImage="])
  }

  @Test func adviceSkipsFixesThatDoNotHelp() throws {
    // With User=nobody, DynamicUser=yes keeps the nobody identity, so it is not offered.
    let advice = HardeningAdvice(
      unit: try Self.unit(Self.bare + "User=nobody\n"), name: Self.name, limit: 100)
    #expect(!advice.fixes.contains { $0.check == "User=/DynamicUser=" })
  }

  /// The exposure the advice predicts for each fix is the one systemd computes for the unit
  /// with that fix as a drop-in.
  @Test(
    .enabled(
      if: SystemdAnalyzeOracle.found != nil || SystemdAnalyzeOracle.inCI,
      "SKIPPED: no systemd-analyze (install systemd or run scripts/testbed build)"))
  func advicePredictionsMatchTheOracle() throws {
    guard let oracle = SystemdAnalyzeOracle.found else {
      Issue.record("CI=true but no systemd-analyze and no test-bed rootfs")
      return
    }
    let advice = HardeningAdvice(unit: try Self.unit(), name: Self.name, limit: 8)
    for fix in advice.fixes {
      let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("hardening-advice-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: root) }
      let units = root.appendingPathComponent("etc/systemd/system/report.service.d")
      try FileManager.default.createDirectory(at: units, withIntermediateDirectories: true)
      try Self.bare.write(
        to: units.deletingLastPathComponent().appendingPathComponent("report.service"),
        atomically: true, encoding: .utf8)
      let dropIn = "[Service]\n" + fix.directives.map { "\($0.key)=\($0.value)\n" }.joined()
      try dropIn.write(
        to: units.appendingPathComponent("50-fix.conf"), atomically: true, encoding: .utf8)
      let live = try oracle.run(unit: "report.service", root: root.path)
      let predicted = "\(fix.exposureAfter / 10).\(fix.exposureAfter % 10)"
      let actual = overallExposure(in: live.text) ?? "?"
      #expect(
        actual.hasPrefix(predicted + " "),
        "\(fix.check): advice predicts \(predicted), systemd says \(actual)")
    }
  }
}
