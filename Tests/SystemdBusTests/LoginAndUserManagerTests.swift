import Foundation
import Testing

extension BedTests {
  /// Linger through logind, and root driving a user's manager, in a booted bed.
  @Suite struct LoginAndUserManagerTests {
    @Test func lingerStartsTheUserManagerAndRootDrivesIt() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        try bed.run(["useradd", "--create-home", "--uid", "1234", "sbt-user"])
        let off = try bed.probe(["state", "user@1234.service"]).states?["user@1234.service"]
        #expect(off?.activeState == "inactive")

        let linger = try bed.probe(["linger", "1234", "on"])
        #expect(linger.error == nil)
        #expect(bed.exists("/var/lib/systemd/linger/sbt-user"))
        var on: UnitStateJSON?
        for _ in 0..<50 {
          on = try bed.probe(["state", "user@1234.service"]).states?["user@1234.service"]
          if on?.activeState == "active" { break }
          usleep(100_000)
        }
        #expect(on?.activeState == "active")

        // Root reaches the user's manager through /run/user/1234/systemd/private.
        try bed.write(
          "/etc/systemd/user/sbt-user.service", "[Service]\nExecStart=/bin/sleep infinity\n")
        _ = try bed.probe(["--user", "1234", "reload"])
        let start = try bed.probe(["--user", "1234", "start", "sbt-user.service", "30"])
        #expect(start.result == "done")
        let state = try bed.probe(["--user", "1234", "state", "sbt-user.service"])
        #expect(state.states?["sbt-user.service"]?.activeState == "active")
        let owner = try bed.run(["systemctl", "show", "-P", "User", "user@1234.service"])
        #expect(owner.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1234")
        // The bed has no procps: find the owners of `sleep` processes through /proc.
        let script =
          #"for c in /proc/[0-9]*/comm; do [ "$(cat $c)" = sleep ] && "#
          + #"stat -c %u ${c%/comm}; done"#
        let owners = try bed.run(["sh", "-c", script], check: false).output
        #expect(owners.split(separator: "\n") == ["1234"], "the user service runs as the user")

        let lingerOff = try bed.probe(["linger", "1234", "off"])
        #expect(lingerOff.error == nil)
        #expect(!bed.exists("/var/lib/systemd/linger/sbt-user"))
      }
    }

    @Test func journalFieldsAreFoundByMessageID() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        let id = "5e0b1c6a0f2e4d7c9a3b8e1d2c4f6a80"
        let sent = try bed.probe([
          "journal", "MESSAGE=drift on sbt\nsecond line", "MESSAGE_ID=\(id)",
          "RECONCILE_UNIT=sbt.service",
        ])
        #expect(sent.error == nil)
        var found = ""
        for _ in 0..<50 {
          found = try bed.run([
            "journalctl", "MESSAGE_ID=\(id)", "-o", "export", "--no-pager",
          ]).output
          if !found.isEmpty { break }
          usleep(100_000)
        }
        #expect(found.contains("RECONCILE_UNIT=sbt.service"))
        #expect(found.contains("MESSAGE_ID=\(id)"))
        // A value with a newline travels in the binary-safe form and arrives whole.
        let message = try bed.run([
          "journalctl", "MESSAGE_ID=\(id)", "-o", "cat", "--no-pager",
        ]).output
        #expect(message.contains("drift on sbt\nsecond line"))

        let bad = try bed.probe(["journal", "lower=case"])
        #expect(bad.error?.contains("sd_journal_sendv") == true)
      }
    }
  }
}
