import Core
import Foundation
import TestSupport
import Testing

/// The lints run at decode, so `check` and `plan` both show them, with file and line.
@Suite struct EmailLintTests {
  @Test func onFailureUnderServiceIsAnErrorAtItsLine() throws {
    // Checked with or without an email declaration: it is wrong either way.
    let fixture = try EmailFixture(email: nil)
    try fixture.scratch.write(
      "repo/hosts/gemini/units/backup.service",
      "[Unit]\nDescription=Backup\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n"
        + "OnFailure=status-email@%n.service\n"
    )
    let diagnostics = fixture.loadDiagnostics()
    let error = try #require(diagnostics.first { $0.code == "on-failure-section" })
    #expect(error.severity == .error)
    #expect(error.position?.description == "hosts/gemini/units/backup.service:7")
    #expect(
      error.message == "OnFailure= under [Service] does nothing: systemd reads it only in [Unit]")
    #expect(
      error.notes == [
        "move 'OnFailure=status-email@%n.service' into the [Unit] section of backup.service"
      ])
    #expect(throws: DiagnosticsError.self) { try fixture.harness.plan() }
  }

  @Test func onFailureInARepositoryDropInIsCheckedToo() throws {
    let fixture = try EmailFixture(email: nil)
    try fixture.scratch.write(
      "repo/hosts/gemini/units/report.service.d/10-alert.conf",
      "[Service]\n\nOnFailure=alert.service\n")
    let error = try #require(fixture.loadDiagnostics().first { $0.code == "on-failure-section" })
    #expect(error.position?.description == "hosts/gemini/units/report.service.d/10-alert.conf:3")
  }

  @Test func restartWithoutStartLimitWarnsWithTheFix() throws {
    let fixture = try EmailFixture(
      email: "email:\n  recipients: [operator@example.org]\n  sender: gemini@example.org\n")
    let diagnostics = fixture.loadDiagnostics()
    #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
    let warning = try #require(diagnostics.first { $0.code == "restart-without-start-limit" })
    #expect(warning.position?.description == "hosts/gemini/units/node.service:6")
    #expect(warning.message.hasPrefix("node.service has Restart=on-failure but no start limit"))
    #expect(
      warning.notes.contains { $0.contains("StartLimitIntervalSec=10min and StartLimitBurst=5") })
    #expect(warning.notes.contains { $0.contains("start-limit: { interval: 10min, burst: 5 }") })
    // Declaring the start limit replaces the warning with the limit in the drop-in.
    try fixture.writeHost(email: EmailFixture.emailSection)
    #expect(!fixture.loadDiagnostics().contains { $0.code == "restart-without-start-limit" })
  }

  @Test func aStartLimitTheRestartsCannotReachIsReported() throws {
    let fixture = try EmailFixture()
    // Five starts 30 s apart take 150 s: a limit of 5 starts in 60 s is never hit.
    try fixture.scratch.write(
      "repo/hosts/gemini/units/node.service",
      "[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=5\n\n"
        + "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=30\n"
    )
    let warning = try #require(
      fixture.loadDiagnostics().first { $0.code == "start-limit-unreachable" })
    #expect(warning.position?.description == "hosts/gemini/units/node.service:2")
    #expect(warning.message.contains("never reached"))
    // Ten minutes is enough.
    try fixture.scratch.write(
      "repo/hosts/gemini/units/node.service",
      "[Unit]\nStartLimitIntervalSec=10min\nStartLimitBurst=5\n\n"
        + "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=30\n"
    )
    #expect(
      !fixture.loadDiagnostics().contains {
        $0.code.hasPrefix("start-limit") || $0.code.hasPrefix("restart")
      })
  }

  @Test func watchingAnUnknownUnitOrTheNotifierIsAnError() throws {
    let fixture = try EmailFixture(
      email: """
        email:
          recipients: [operator@example.org]
          sender: gemini@example.org
          watch: [reprt.service, status-email@.service, node.service]
        """)
    let errors = fixture.loadDiagnostics().filter { $0.severity == .error }
    let unknown = try #require(errors.first { $0.code == "unknown-unit" })
    #expect(unknown.notes == ["did you mean 'report.service'?"])
    #expect(unknown.position?.description == "hosts/gemini.yaml:8:11")
    #expect(errors.contains { $0.code == "email-watch" })
  }

  @Test func aWatchListLimitsTheDropIns() throws {
    let fixture = try EmailFixture(
      email:
        "email:\n  recipients: [operator@example.org]\n  sender: gemini@example.org\n  "
        + "watch: [report.service]\n"
    )
    try fixture.harness.apply()
    #expect(fixture.exists("/etc/systemd/system/report.service.d/50-reconcile-email.conf"))
    #expect(!fixture.exists("/etc/systemd/system/node.service.d"))
    #expect(!fixture.exists("/etc/systemd/system/reconcile.service.d"))
  }

  @Test func badAddressesAndPathsAreRefusedAtTheirPosition() throws {
    let fixture = try EmailFixture(
      email: """
        email:
          recipients: ["a@b.org, c@d.org", "-oQ/tmp@x.org"]
          sender: "gemini@example.org'"
          client-config: etc/msmtprc
          surprise: true
        """)
    let errors = fixture.loadDiagnostics().filter { $0.severity == .error }
    #expect(errors.filter { $0.code == "mail-address" }.count == 3, "\(errors)")
    #expect(errors.contains { $0.code == "path" && $0.position?.line == 8 })
    #expect(errors.contains { $0.code == "unknown-key" && $0.position?.line == 9 })
  }
}
