import Foundation
import TestSupport
import Testing

/// reconcile's everyday life on a real host: its timer applying new commits by itself, drift
/// reverted (or only reported) and recorded in the run log, the journal and the metrics.
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct ScheduleAndDriftTests {
  static let apply = ["reconcile", "apply", "--repo", "/srv/state", "--host", "gemini"]

  /// A git repository at /srv/remote holding the example, committed.
  func makeRemote(_ bed: TestBed) async throws {
    try await bed.run([
      "sh", "-c",
      "cd /srv/remote && git init -q -b main && git add -A && git -c user.name=ops -c user.email=ops@example.org commit -q -m 'Describe gemini'",
    ])
  }

  /// Waits up to `seconds` for `condition` (a shell test) to hold in the bed.
  func waitFor(_ bed: TestBed, _ condition: String, seconds: Int) async throws -> Bool {
    let result = try await bed.exec(
      ["sh", "-c", "for i in $(seq \(seconds * 2)); do \(condition) && exit 0; sleep 0.5; done; exit 1"],
      timeout: seconds + 10)
    return result.succeeded
  }

  @Test("the timer fires and applies a new commit without anyone running reconcile")
  func theTimerAppliesNewCommits() async throws {
    try await withTestBed(name: "timer") { bed in
      try await bed.installExample(at: "/srv/remote")
      try await makeRemote(bed)
      try await bed.run([
        "sh", "-c",
        "mkdir -p /etc/reconcile && printf 'host: gemini\\nrepository:\\n  url: file:///srv/remote\\n  branch: main\\n' > /etc/reconcile/config.yaml",
      ])
      let install = try await bed.exec(["reconcile", "install", "--interval", "10s", "--randomized-delay", "0s"])
      #expect(install.status == 0, "\(install)")
      #expect(try await bed.exec(["systemctl", "is-active", "reconcile.timer"]).trimmed == "active")
      #expect(try await bed.exec(["systemctl", "is-enabled", "reconcile.timer"]).trimmed == "enabled")
      // The first run from the timer applies the whole host.
      #expect(
        try await waitFor(bed, "systemctl is-active --quiet report.timer", seconds: 40),
        "the timer never applied the repository")
      // A new commit arrives; nobody runs reconcile.
      try await bed.run([
        "sh", "-c",
        "cd /srv/remote && mkdir -p roles/report/units/report.timer.d && printf '[Timer]\\nAccuracySec=1min\\n' > roles/report/units/report.timer.d/10-accuracy.conf && git add -A && git -c user.name=ops -c user.email=ops@example.org commit -q -m 'Coarser timer'",
      ])
      let head = try await bed.run(["git", "-C", "/srv/remote", "rev-parse", "HEAD"]).trimmingCharacters(
        in: .whitespacesAndNewlines)
      #expect(try await waitFor(bed, "test -f /etc/systemd/system/report.timer.d/10-accuracy.conf", seconds: 40))
      #expect(try await waitFor(bed, "grep -q \(head) /var/lib/reconcile/git-last-applied", seconds: 20))
      let result = try await bed.run(["systemctl", "show", "-p", "Result", "--value", "reconcile.service"])
      #expect(result.trimmingCharacters(in: .whitespacesAndNewlines) == "success")
      // Installing again changes nothing; uninstalling removes only reconcile's own units.
      #expect(
        try await bed.run(["reconcile", "install", "--interval", "10s", "--randomized-delay", "0s"]).contains(
          "as they should be"))
      #expect(try await bed.exec(["reconcile", "uninstall"]).status == 0)
      #expect(try await bed.exec(["test", "-e", "/etc/systemd/system/reconcile.timer"]).status != 0)
      #expect(try await bed.exec(["systemctl", "is-active", "report.timer"]).trimmed == "active")
    }
  }

  @Test("a unit file and a group membership changed by hand are reverted and recorded as drift")
  func driftIsRevertedAndRecorded() async throws {
    try await withTestBed(name: "drift") { bed in
      try await bed.installExample(at: "/srv/state")
      #expect(try await bed.exec(Self.apply).status == 0)
      try await bed.run([
        "sh", "-c",
        "echo 'OnBootSec=1min' >> /etc/systemd/system/report.timer && gpasswd -d bitcoin debian-tor >/dev/null",
      ])
      #expect(try await bed.exec(["reconcile", "plan", "--repo", "/srv/state", "--host", "gemini"]).status == 4)
      let reverted = try await bed.exec(Self.apply)
      #expect(reverted.status == 4, "applied after reverting drift: \(reverted)")
      #expect(!(try await bed.run(["cat", "/etc/systemd/system/report.timer"])).contains("OnBootSec"))
      #expect(try await bed.run(["id", "-nG", "bitcoin"]).contains("debian-tor"))
      let drift = try await bed.run(["reconcile", "drift", "--format", "json"])
      let events = try JSONSerialization.jsonObject(with: Data(drift.utf8)) as? [[String: Any]] ?? []
      let resources = Set(events.compactMap { $0["resource"] as? String })
      #expect(resources.contains("unit:report.timer"), "\(drift)")
      #expect(events.contains { ($0["module"] as? String) == "users" }, "the membership is drift too: \(drift)")
      #expect(events.allSatisfy { ($0["class"] as? String) == "drift" && $0["time"] is String })
      // The journal holds the same events under the fixed MESSAGE_ID.
      let journal = try await bed.run([
        "journalctl", "-o", "json", "--no-pager", "MESSAGE_ID=d1f0c8e6a4b2490d9e7c5a3b1f8d6e4c",
      ])
      let logged = Set(
        journal.split(separator: "\n").compactMap { line -> String? in
          let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
          return entry?["RECONCILE_RESOURCE"] as? String
        })
      #expect(logged == resources, "journal \(logged) vs records \(resources)")
      let runs = try await bed.run([
        "journalctl", "-o", "cat", "--no-pager", "MESSAGE_ID=4b2c7d9e0f1a4c3b8e6d5a7f9c1b3e2d",
      ])
      #expect(runs.contains("drift event"), "run summaries in the journal: \(runs)")
    }
  }

  @Test("with report-only drift, hand changes are reported and left alone")
  func reportOnlyDriftIsLeftAlone() async throws {
    try await withTestBed(name: "drift-report") { bed in
      try await bed.installExample(at: "/srv/state")
      try await bed.run([
        "sh", "-c",
        "printf 'drift:\\n  modules:\\n    units: report\\n    users: report\\n' >> /srv/state/hosts/gemini.yaml",
      ])
      #expect(try await bed.exec(Self.apply).status == 0)
      try await bed.run([
        "sh", "-c",
        "echo 'OnBootSec=1min' >> /etc/systemd/system/report.timer && gpasswd -d bitcoin debian-tor >/dev/null",
      ])
      let result = try await bed.exec(Self.apply)
      #expect(result.status == 4, "\(result)")
      #expect(try await bed.run(["cat", "/etc/systemd/system/report.timer"]).contains("OnBootSec=1min"))
      #expect(!(try await bed.run(["id", "-nG", "bitcoin"])).contains("debian-tor"))
      let drift = try await bed.run(["reconcile", "drift"])
      #expect(drift.contains("unit:report.timer  drift  reported"), "\(drift)")
    }
  }
}
