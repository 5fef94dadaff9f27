import Foundation
import TestSupport
import Testing

/// `review --snapshot` with a snapshot taken on a real host: the drift on that host shows
/// next to the pull request's own changes.
@Suite(.tags(.system), .requiresTestBed)
struct ReviewSnapshotSystemTests {
  @Test("a snapshot of a host with a hand-edited unit shows that drift beside the pull request")
  func snapshotShowsDriftBesideThePullRequest() async throws {
    try await withTestBed(name: "snapshot") { bed in
      try await bed.installExample(at: "/srv/remote")
      let git = "git -c user.name=ops -c user.email=ops@example.org"
      try await bed.run(["sh", "-c", "cd /srv/remote && git init -q -b main && git add -A && \(git) commit -q -m base"])
      #expect(try await bed.exec(["reconcile", "apply", "--repo", "/srv/remote", "--host", "gemini"]).status == 0)
      // Someone edits a unit by hand; the host is then snapshotted.
      try await bed.run(["sh", "-c", "echo 'OnBootSec=1min' >> /etc/systemd/system/report.timer"])
      let snapshot = try await bed.exec([
        "reconcile", "snapshot", "--repo", "/srv/remote", "--host", "gemini", "--output", "/root/gemini.json",
      ])
      #expect(snapshot.status == 0, "\(snapshot)")
      // The pull request: a coarser lightning backup trigger.
      try await bed.run([
        "sh", "-c",
        "cd /srv/remote && sed -i 's/^PathChanged=/PathModified=/' roles/lightning/units/lightning-backup.path && git add -A && \(git) commit -q -m 'Back up on every write'",
      ])
      let review = try await bed.exec([
        "reconcile", "review", "--repo", "/srv/remote", "--base", "HEAD~1", "--head", "HEAD",
        "--snapshot", "/root/gemini.json", "--host", "gemini", "--format", "json",
      ])
      #expect(review.status == 0, "\(review)")
      let document = try JSONSerialization.jsonObject(with: Data(review.stdout.utf8)) as? [String: Any]
      let hosts = document?["hosts"] as? [[String: Any]] ?? []
      let changes = hosts.first { ($0["host"] as? String) == "gemini" }?["changes"] as? [[String: Any]] ?? []
      let causes = Dictionary(
        changes.compactMap { change -> (String, String)? in
          guard let address = change["address"] as? String, let cause = change["cause"] as? String else { return nil }
          return (address, cause)
        }, uniquingKeysWith: { a, _ in a })
      #expect(causes["unit:report.timer"] == "drift", "\(review.stdout)")
      #expect(causes["unit:lightning-backup.path"] == "changed", "\(review.stdout)")
      // Nothing on the host was touched by review.
      #expect(try await bed.run(["cat", "/etc/systemd/system/report.timer"]).contains("OnBootSec=1min"))
    }
  }
}
