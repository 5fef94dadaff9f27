import Foundation
import TestSupport
import Testing

/// The example's hardened units on a real systemd: with stand-ins for the programs they run,
/// every unit still starts and does its job under its profile, and `systemd-analyze
/// security` on the running unit agrees with reconcile's offline score.
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct HardeningSystemTests {
  /// Stand-ins for bitcoind, lightningd and node-report that do what the units expect of
  /// them: signal readiness, write their state directory, stay up (or finish).
  static let standIns = """
    set -e
    cat > /usr/local/bin/bitcoind <<'EOF'
    #!/bin/sh
    echo up > /var/lib/bitcoind/alive
    systemd-notify --ready
    exec sleep infinity
    EOF
    cat > /usr/local/bin/lightningd <<'EOF'
    #!/bin/sh
    echo up > /var/lib/lightning/alive
    exec sleep infinity
    EOF
    cat > /usr/local/bin/node-report <<'EOF'
    #!/bin/sh
    [ "$1" = --output ] && echo "node report" > "$2"
    EOF
    chmod 755 /usr/local/bin/bitcoind /usr/local/bin/lightningd /usr/local/bin/node-report
    """

  @Test("every example unit starts and does its job under its profile; live and offline scores agree")
  func hardenedUnitsStillWork() async throws {
    try await withTestBed(name: "hardening") { bed in
      try await bed.installExample(at: "/srv/state")
      try await bed.run(["sh", "-c", Self.standIns])
      // The notes of the first plan give reconcile's offline score of each hardened unit.
      let plan = try await bed.exec(["reconcile", "plan", "--repo", "/srv/state", "--host", "gemini"])
      let offline = Self.scores(in: plan.stdout)
      #expect(offline.count >= 4, "scores in the plan notes: \(plan.stdout)")
      let apply = try await bed.exec(["reconcile", "apply", "--repo", "/srv/state", "--host", "gemini"])
      #expect(apply.status == 0, "\(apply)")

      for daemon in ["bitcoind.service", "lightningd.service"] {
        let active = try await bed.exec([
          "sh", "-c", "for i in $(seq 50); do systemctl is-active --quiet \(daemon) && exit 0; sleep 0.2; done; exit 1",
        ])
        let status = try await bed.exec(["systemctl", "status", "--no-pager", daemon]).stdout
        #expect(active.succeeded, "\(daemon) runs under its profile: \(status)")
      }
      #expect(try await bed.run(["cat", "/var/lib/bitcoind/alive"]) == "up\n")
      #expect(try await bed.run(["cat", "/var/lib/lightning/alive"]) == "up\n")
      // The report writes its state directory; the backup copies the channel file.
      #expect(try await bed.exec(["systemctl", "start", "report.service"]).succeeded)
      #expect(try await bed.run(["cat", "/var/lib/report/daily.txt"]) == "node report\n")
      try await bed.run([
        "sh", "-c",
        "install -d -o lightning /var/backups/lightning /var/lib/lightning/bitcoin && echo channels > /var/lib/lightning/bitcoin/emergency.recover",
      ])
      let copied = try await bed.exec([
        "sh", "-c",
        "for i in $(seq 50); do [ -f /var/backups/lightning/emergency.recover ] && exit 0; sleep 0.2; done; exit 1",
      ])
      #expect(copied.succeeded, "the path unit triggered the hardened backup job")

      for (unit, score) in offline.sorted(by: { $0.key < $1.key }) {
        let live = try await bed.run(["systemd-analyze", "security", "--no-pager", unit])
        let overall = live.split(separator: "\n").last { $0.contains("Overall exposure level") } ?? ""
        #expect(overall.contains(": \(score) "), "\(unit): offline \(score), live \(overall)")
      }
    }
  }

  /// `unit 9.6 UNSAFE -> 1.4 OK` lines of plan notes: unit to the score after the arrow.
  static func scores(in text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") where line.contains(" -> ") && line.contains(".service") {
      let words = line.split(separator: " ")
      guard let unit = words.first, unit.hasSuffix(".service"), !unit.contains("/"),
        let arrow = words.firstIndex(of: "->"), arrow + 1 < words.count
      else { continue }
      result[String(unit)] = String(words[arrow + 1])
    }
    return result
  }
}
