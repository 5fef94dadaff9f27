import Foundation
import TestSupport
import Testing

/// The example host applied to a real, booted systemd: units, enablement, timers, users and
/// linger; a second run that does nothing at all; restarts of exactly what changed; failures
/// that stay local.
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct LiveUnitsTests {
  /// Boots a bed with reconcile and the example repository at /srv/state inside.
  func withExampleBed<R: Sendable>(
    _ name: String, _ body: @Sendable (TestBed) async throws -> R
  ) async throws -> R {
    try await withTestBed(name: name) { bed in
      try await bed.installExample(at: "/srv/state")
      return try await body(bed)
    }
  }

  static let apply = ["reconcile", "apply", "--repo", "/srv/state", "--host", "gemini"]

  /// `systemctl show -p P --value UNIT` for each unit.
  func property(_ bed: TestBed, _ property: String, _ units: [String]) async throws -> [String: String] {
    var values: [String: String] = [:]
    for unit in units {
      values[unit] = try await bed.run(["systemctl", "show", "-p", property, "--value", unit])
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return values
  }

  @Test("the example applied to a fresh boot: units, timers, users and linger as declared")
  func appliesTheExample() async throws {
    try await withExampleBed("units-apply") { bed in
      let first = try await bed.exec(Self.apply)
      #expect(first.status == 0, "\(first)")
      for trigger in ["report.timer", "lightning-backup.path"] {
        #expect(try await bed.exec(["systemctl", "is-enabled", trigger]).trimmed == "enabled")
        #expect(try await bed.exec(["systemctl", "is-active", trigger]).trimmed == "active")
      }
      for triggered in ["report.service", "lightning-backup.service"] {
        let enabled = try await bed.exec(["systemctl", "is-enabled", triggered]).trimmed
        #expect(["static", "disabled"].contains(enabled), "\(triggered) must not be enabled: \(enabled)")
        #expect(try await bed.exec(["systemctl", "is-active", triggered]).trimmed == "inactive")
      }
      for service in ["bitcoind.service", "lightningd.service"] {
        #expect(try await bed.exec(["systemctl", "is-enabled", service]).trimmed == "enabled")
        // Its program is not installed: skipped by ConditionPathExists=, not failed.
        #expect(try await bed.exec(["systemctl", "is-failed", service]).trimmed != "failed")
      }
      for user in ["bitcoin", "lightning", "report", "matrix"] {
        #expect(try await bed.exec(["id", user]).succeeded, "user \(user)")
      }
      #expect(try await bed.exec(["id", "-nG", "bitcoin"]).stdout.contains("debian-tor"))
      let uid = try await bed.run(["id", "-u", "matrix"]).trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(try await bed.exec(["test", "-e", "/var/lib/systemd/linger/matrix"]).succeeded)
      #expect(try await bed.exec(["systemctl", "is-active", "user@\(uid).service"]).trimmed == "active")
    }
  }

  @Test("a second apply changes nothing: no reload, no restart, no file written, no program started")
  func aSecondApplyIsANoOp() async throws {
    try await withExampleBed("units-noop") { bed in
      #expect(try await bed.exec(Self.apply).status == 0)
      let units = ["report.timer", "lightning-backup.path"]
      let invocations = try await property(bed, "InvocationID", units)
      let files = try await bed.run([
        "sh", "-c",
        "find /etc/systemd /etc/passwd /etc/group /etc/shadow /etc/subuid /var/lib/reconcile -printf '%p %i %T@\\n' | sort",
      ])
      try await Task.sleep(for: .seconds(1.1))
      let marker = try await bed.run(["date", "+%Y-%m-%d %H:%M:%S"]).trimmingCharacters(in: .whitespacesAndNewlines)
      let traced = try await bed.exec(
        ["strace", "-f", "-qq", "-e", "trace=execve", "-o", "/tmp/noop.trace"] + Self.apply)
      #expect(traced.status == 0, "\(traced)")
      #expect(traced.stdout.contains("No changes"))
      let execs = try await bed.run(["grep", "-c", "execve(", "/tmp/noop.trace"]).trimmingCharacters(
        in: .whitespacesAndNewlines)
      let trace = try await bed.run(["cat", "/tmp/noop.trace"])
      #expect(execs == "1", "only reconcile itself was executed: \(trace)")
      #expect(try await property(bed, "InvocationID", units) == invocations)
      let after = try await bed.run([
        "sh", "-c",
        "find /etc/systemd /etc/passwd /etc/group /etc/shadow /etc/subuid /var/lib/reconcile -printf '%p %i %T@\\n' | sort",
      ])
      #expect(after == files, "no file rewritten")
      let reloads = try await bed.exec(["journalctl", "--since", marker, "-g", "Reloading", "--no-pager", "-q"])
      #expect(reloads.stdout.isEmpty, "no daemon-reload: \(reloads.stdout)")
    }
  }

  @Test("changing one drop-in restarts exactly that unit")
  func aChangedDropInRestartsOnlyItsUnit() async throws {
    try await withExampleBed("units-dropin") { bed in
      #expect(try await bed.exec(Self.apply).status == 0)
      let units = ["report.timer", "lightning-backup.path"]
      let before = try await property(bed, "InvocationID", units)
      try await bed.run([
        "sh", "-c",
        "mkdir -p /srv/state/roles/report/units/report.timer.d && printf '[Timer]\\nAccuracySec=1min\\n' > /srv/state/roles/report/units/report.timer.d/10-accuracy.conf",
      ])
      let second = try await bed.exec(Self.apply)
      #expect(second.status == 0, "\(second)")
      #expect(second.stdout.contains("drop-in:report.timer/10-accuracy.conf"))
      let after = try await property(bed, "InvocationID", units)
      #expect(after["report.timer"] != before["report.timer"], "report.timer restarted")
      #expect(after["lightning-backup.path"] == before["lightning-backup.path"], "the other unit untouched")
      #expect(
        try await bed.run(["systemctl", "show", "-p", "AccuracyUSec", "--value", "report.timer"]).hasPrefix("1min"))
    }
  }

  @Test("a unit file written but never reloaded (a run killed in between) is reloaded and its unit restarted")
  func aFileSystemdHasNotReadIsReloaded() async throws {
    try await withExampleBed("units-stale") { bed in
      #expect(try await bed.exec(Self.apply).status == 0)
      let before = try await property(bed, "InvocationID", ["report.timer"])
      // The repository gains a drop-in, and the file lands on the host as a killed run would
      // have left it: written, systemd not reloaded.
      try await bed.run([
        "sh", "-c",
        "mkdir -p /srv/state/roles/report/units/report.timer.d /etc/systemd/system/report.timer.d && printf '[Timer]\\nAccuracySec=1min\\n' | tee /srv/state/roles/report/units/report.timer.d/10-accuracy.conf > /etc/systemd/system/report.timer.d/10-accuracy.conf",
      ])
      #expect(try await bed.run(["systemctl", "show", "-p", "NeedDaemonReload", "--value", "report.timer"]) == "yes\n")
      let result = try await bed.exec(Self.apply)
      #expect(result.status != 1, "\(result)")
      #expect(result.stdout.contains("systemd:daemon-reload"), "\(result.stdout)")
      #expect(try await bed.run(["systemctl", "show", "-p", "NeedDaemonReload", "--value", "report.timer"]) == "no\n")
      #expect(
        try await bed.run(["systemctl", "show", "-p", "AccuracyUSec", "--value", "report.timer"]).hasPrefix("1min"))
      #expect(try await property(bed, "InvocationID", ["report.timer"]) != before, "report.timer restarted")
    }
  }

  @Test("a unit that fails to start is a failed change with its status; the rest still applies")
  func aFailingUnitIsReportedAndTheRestApplies() async throws {
    try await withExampleBed("units-failure") { bed in
      try await bed.run([
        "sh", "-c",
        """
        cat > /srv/state/roles/report/units/broken.service <<'EOF'
        [Unit]
        Description=A service whose program fails

        [Service]
        Type=oneshot
        ExecStart=/bin/false

        [Install]
        WantedBy=multi-user.target
        EOF
        cat > /srv/state/roles/report/role.yaml <<'EOF'
        users:
          report:
            comment: Daily node report
        units:
          report.timer:
            enable: true
          broken.service:
            enable: true
        hardening:
          units:
            report.service:
              profile: strict
            broken.service:
              profile: strict
        EOF
        """,
      ])
      let result = try await bed.exec(Self.apply)
      #expect(result.status == 1, "\(result)")
      #expect(result.stdout.contains("FAILED"), "\(result.stdout)")
      #expect(result.stdout.contains("broken.service"))
      #expect(result.stdout.contains("failed"), "the unit's status is in the report")
      #expect(try await bed.exec(["systemctl", "is-active", "report.timer"]).trimmed == "active")
      #expect(try await bed.exec(["systemctl", "is-enabled", "broken.service"]).trimmed == "enabled")
    }
  }
}
