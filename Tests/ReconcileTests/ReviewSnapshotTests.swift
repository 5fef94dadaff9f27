import Core
import Foundation
import TestSupport
import Testing

/// `reconcile snapshot` on a host (here an offline root), and `review --snapshot`: the merge
/// planned against what the host really looks like, drift included.
@Suite struct ReviewSnapshotTests {
  let fixture: ReviewFixture
  /// A work tree checked out at the base commit: what the host was last applied from.
  let checkout: String
  let root: String

  init() throws {
    fixture = try ReviewFixture()
    checkout = try fixture.scratch.sub("checkout", directory: false)
    try ReviewFixture.git(["clone", "-q", "--branch", "main", fixture.path, checkout])
    root = try fixture.scratch.sub("root")
    // A Debian 12 host: its account files, with Debian's modes.
    try TestCommand.run(["cp", "-R", "\(packageRoot)/Tests/Fixtures/debian12-etc", "\(root)/etc"])
    try TestCommand.run(["chmod", "0640", "\(root)/etc/shadow", "\(root)/etc/gshadow"])
    let apply = try TestCommand.reconcile([
      "apply", "--repo", checkout, "--host", "gemini", "--root", root,
    ])
    guard apply.status == 0 else {
      throw ReviewFixtureError(command: ["apply"], stderr: apply.stderr)
    }
  }

  func snapshot(_ extra: [String] = []) throws -> CommandResult {
    try TestCommand.reconcile(
      ["snapshot", "--repo", checkout, "--host", "gemini", "--root", root] + extra)
  }

  @Test func driftOnTheHostShowsBesideThePullRequestsChanges() throws {
    // Someone edits a unit reconcile installed, by hand.
    let unit = "\(root)/etc/systemd/system/web.service"
    try Data((ReviewFixture.webService + "Environment=DEBUG=1\n").utf8).write(
      to: URL(fileURLWithPath: unit))
    let file = fixture.scratch.join("gemini.json")
    let written = try snapshot(["--output", file])
    #expect(written.status == 0, "\(written.stderr)")
    #expect(written.stdout == "")
    let attributes = try FileManager.default.attributesOfItem(atPath: file)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)

    let before = try TreeSnapshot(root)
    let result = try fixture.review([
      "--base", "main", "--head", "change", "--snapshot", file, "--format", "json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try TreeSnapshot(root).differences(from: before) == [], "the review touches no host")
    let document =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let hosts = try #require(document?["hosts"] as? [[String: Any]])
    let gemini = try #require(hosts.first { $0["host"] as? String == "gemini" })
    #expect(gemini["against"] as? String == "snapshot")
    #expect(gemini["status"] as? String == "changed")
    let changes = try #require(gemini["changes"] as? [[String: Any]])
    let causes = Dictionary(
      uniqueKeysWithValues: changes.map {
        ($0["address"] as? String ?? "", $0["cause"] as? String ?? "")
      })
    #expect(
      causes == [
        "unit:web.service": "drift",
        "unit:matrix-bot.service": "new", "unit:report.service": "changed",
        "drop-in:report.service/50-reconcile-hardening.conf": "new",
        "enablement:matrix-bot.service": "new", "group:matrix": "new", "user:matrix": "new",
        "enablement:report.timer": "prune", "unit:report.timer": "prune",
      ])
    let drift = try #require(changes.first { $0["address"] as? String == "unit:web.service" })
    #expect(
      drift["diff"] as? [String] == [
        " [Install]", " WantedBy=multi-user.target", "-Environment=DEBUG=1",
      ])

    // The other hosts are still simulated from the base commit.
    #expect(hosts.first { $0["host"] as? String == "nova" }?["against"] as? String == "fresh")

    let text = try fixture.review(["--base", "main", "--head", "change", "--snapshot", file])
    #expect(
      text.stdout.contains("== gemini: changed (planned against a snapshot of the host"),
      "\(text.stdout)")
    #expect(text.stdout.contains("~ unit:web.service"))
    #expect(text.stdout.contains("[drift]"))
  }

  @Test func aSnapshotOfAnUntouchedHostIsReviewedToo() throws {
    let file = fixture.scratch.join("gemini.json")
    #expect(try snapshot(["--output", file]).status == 0)
    let result = try fixture.review([
      "--base", "main", "--head", "main", "--snapshot", file, "--format", "json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let document =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let hosts = try #require(document?["hosts"] as? [[String: Any]])
    #expect(hosts.map { $0["host"] as? String } == ["gemini"])
    #expect(
      hosts.first?["status"] as? String == "unchanged", "the host is as the base commit left it")
  }

  @Test func theSnapshotHoldsNoPasswordHashes() throws {
    let hashes = [
      "$6$rounds=5000$saltsalt$Zq2aX1m0oK9w3Q2nS7q1cVqjJkM7b8P0lC2sF4gH5jK6lM7nO8pQ9rS0tU1vW2x",
      "$y$j9T$F5Jx5fExrKuJdA9ufnKVk.$Ls0DMbmU8ykDDZA4gwxkLJ7Q5sK1eZTj9l3kIjQ/x4C",
    ]
    let shadow = try String(
      contentsOfFile: "\(packageRoot)/Tests/Fixtures/debian12-etc/shadow", encoding: .utf8)
    try fixture.scratch.write(
      "root/etc/shadow",
      shadow + "alice:\(hashes[0]):20000:0:99999:7:::\nbob:!\(hashes[1]):20000:0:99999:7:::\n",
      mode: 0o640)
    let passwd = try String(
      contentsOfFile: "\(packageRoot)/Tests/Fixtures/debian12-etc/passwd", encoding: .utf8)
    try fixture.scratch.write(
      "root/etc/passwd", passwd + "legacy:\(hashes[0]):1500:1500::/home/legacy:/bin/sh\n")
    let result = try snapshot()
    #expect(result.status == 0, "\(result.stderr)")
    let observation = try JSONDecoder().decode(HostObservation.self, from: Data(result.stdout.utf8))
    #expect(observation.facts.name == "gemini")
    #expect(observation.observed["units"] != nil)
    for marker in ["$6$", "$y$", "saltsalt", "F5Jx5fExrKuJdA9ufnKVk"] {
      #expect(!result.stdout.contains(marker), "the snapshot leaks \(marker)")
    }
  }

  @Test func aSnapshotThatIsNotOneIsRefusedWithASentence() throws {
    try fixture.scratch.write("bad.json", "{\"version\": 1}")
    let result = try fixture.review([
      "--base", "main", "--snapshot", fixture.scratch.join("bad.json"),
    ])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("is not a snapshot made by 'reconcile snapshot'"), "\(result.stderr)")
    let missing = try fixture.review([
      "--base", "main", "--snapshot", fixture.scratch.join("none.json"),
    ])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("cannot read the snapshot"), "\(missing.stderr)")
  }
}
