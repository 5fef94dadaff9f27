import Foundation
import Testing

extension TestBed {
  /// Whether this machine can boot a test bed.
  public enum Availability: Sendable, Equatable {
    /// Beds can boot here.
    case available
    /// Beds cannot boot here, and why (not root, no systemd-nspawn...).
    case unavailable(reason: String)
  }

  /// Whether beds can boot here, found once by `scripts/testbed check`. When they cannot,
  /// a loud banner on standard error says why, so skipped system tests are never silent.
  public static let availability: Availability = {
    let result: Availability
    do {
      let output = try runScriptSynchronously(["check"])
      let reason = output.stderr.replacingOccurrences(of: "testbed: ", with: "")
      result =
        output.succeeded
        ? .available : .unavailable(reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
    } catch {
      result = .unavailable(reason: "cannot run \(scriptPath): \(error)")
    }
    if case .unavailable(let reason) = result {
      let banner = String(repeating: "!", count: 78)
      FileHandle.standardError.write(
        Data(
          """
          \(banner)
          !!! SYSTEM TESTS SKIPPED: \(reason)
          !!! They need root and systemd-nspawn (see scripts/README.md). With CI=true or
          !!! TESTBED_REQUIRED=1 they run anyway and fail instead of skipping.
          \(banner)

          """.utf8))
    }
    return result
  }()

  /// Whether system tests should run: beds can boot here, or the environment demands them
  /// (`CI=true` or `TESTBED_REQUIRED=1`), in which case an unbootable bed fails the tests.
  public static var shouldRunSystemTests: Bool {
    let environment = ProcessInfo.processInfo.environment
    if environment["CI"] == "true" || environment["TESTBED_REQUIRED"] == "1" { return true }
    return availability == .available
  }
}

extension Tag {
  /// Tests that boot the systemd test bed (`swift test --filter SystemTests` runs them alone).
  @Tag public static var system: Self
}

extension Trait where Self == ConditionTrait {
  /// Runs the test only where a test bed can boot; elsewhere it is skipped, loudly.
  public static var requiresTestBed: Self {
    .enabled(
      if: TestBed.shouldRunSystemTests, "needs the booted systemd test bed (root, systemd-nspawn)")
  }
}
