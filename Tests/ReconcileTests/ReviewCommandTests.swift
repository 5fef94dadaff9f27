import Core
import Foundation
import TestSupport
import Testing

/// `reconcile review`: what a pull request does to each host, from the repository alone.
@Suite struct ReviewCommandTests {
  let fixture: ReviewFixture

  init() throws { fixture = try ReviewFixture() }

  /// The reviewed Markdown; `RECONCILE_UPDATE_GOLDEN=1 swift test --filter Review` rewrites
  /// it (then read the diff before committing it).
  static let golden = "\(packageRoot)/Tests/ReconcileTests/Golden/review.md"

  @Test func jsonShowsEachHostsChangesExactly() throws {
    let result = try fixture.review(["--base", "main", "--head", "change", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    let actual = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? NSDictionary
    let expected = try JSONSerialization.jsonObject(with: Data(expectedJSON.utf8)) as? NSDictionary
    #expect(actual == expected, "\(result.stdout)")
  }

  @Test func markdownMatchesTheReviewedGoldenFile() throws {
    let result = try fixture.review(["--base", "main", "--head", "change", "--format", "markdown"])
    #expect(result.status == 0, "\(result.stderr)")
    if ProcessInfo.processInfo.environment["RECONCILE_UPDATE_GOLDEN"] == "1" {
      try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: Self.golden))
    }
    let golden = try String(contentsOfFile: Self.golden, encoding: .utf8)
    #expect(
      result.stdout == golden, "run with RECONCILE_UPDATE_GOLDEN=1 to rewrite the golden file")
  }

  @Test func textShowsThePlanOfEachHost() throws {
    let result = try fixture.review(["--base", "main", "--head", "change"])
    #expect(result.status == 0, "\(result.stderr)")
    let expected = [
      "== broken: invalid (not planned)",
      "hosts/broken.yaml:1:14: error: role 'gone' does not exist (roles/gone/role.yaml is missing)",
      " 1 | roles: [web, gone]\n   |              ^\n",
      "== gemini: changed (planned against the base commit applied to a fresh Debian 12 host)",
      "+ user:matrix ", "create system user matrix (UID 997) [new]",
      "~ unit:report.service ", "replace unit file (changed in the repository) [changed]",
      "      -ExecStart=/usr/local/bin/report\n      +ExecStart=/usr/local/bin/report --all\n",
      "- unit:report.timer ",
      "hardening:\n  report.service 9.6 UNSAFE -> 1.3 OK\n",
      "8 changes: 5 to create, 1 to update, 2 to delete.",
      "== nova: added (planned against a fresh Debian 12 host)",
      "== old: removed (not planned)",
    ]
    for line in expected {
      #expect(result.stdout.contains(line), "missing: \(line)\n\(result.stdout)")
    }
    #expect(!result.stdout.contains("vega"), "an untouched host is not shown")
  }

  @Test("review writes nothing: not to the repository, not to this machine's accounts")
  func reviewWritesNothing() throws {
    let repository = try TreeSnapshot(fixture.path)
    let accounts = ["passwd", "group", "shadow", "gshadow", "subuid", "subgid"].map {
      (name: $0, bytes: FileManager.default.contents(atPath: "/etc/" + $0))
    }
    for format in ["text", "json", "markdown"] {
      let result = try fixture.review(["--base", "main", "--head", "change", "--format", format])
      #expect(result.status == 0, "\(result.stderr)")
    }
    #expect(try TreeSnapshot(fixture.path).differences(from: repository) == [], "work tree and .git")
    for file in accounts {
      #expect(FileManager.default.contents(atPath: "/etc/" + file.name) == file.bytes, "/etc/\(file.name)")
    }
  }

  @Test func identicalTreesHaveNothingToDoInEveryFormat() throws {
    // A commit that changes only files outside what hosts are made of: same desired state.
    let docs = try ReviewFixture.commit(
      "Document the workflow",
      files: ["README.md": "Our hosts.\n", ".forgejo/workflows/review.yaml": "on: pull_request\n"],
      in: fixture.path)
    for (base, head) in [(fixture.head, fixture.head), (fixture.head, docs)] {
      let text = try fixture.review(["--base", base, "--head", head])
      #expect(text.status == 0, "\(text.stderr)")
      #expect(text.stdout.hasSuffix("\n\(Review.nothingToDo)\n"), "\(text.stdout)")
      let markdown = try fixture.review(["--base", base, "--head", head, "--format", "markdown"])
      #expect(markdown.status == 0)
      #expect(markdown.stdout.contains("**\(Review.nothingToDo)**"), "\(markdown.stdout)")
      #expect(!markdown.stdout.contains("### "), "no sections when nothing changes")
      let json = try fixture.review(["--base", base, "--head", head, "--format", "json"])
      #expect(json.status == 0)
      let document =
        try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
      #expect(document?["summary"] as? String == Review.nothingToDo)
      #expect((document?["hosts"] as? [Any])?.isEmpty == true)
    }
  }

  @Test func aNamedHostIsShownEvenWhenUnchanged() throws {
    let result = try fixture.review([
      "--base", "main", "--head", "change", "--host", "vega", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let document =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let hosts = try #require(document?["hosts"] as? [[String: Any]])
    #expect(hosts.map { $0["host"] as? String } == ["vega"])
    #expect(hosts.first?["status"] as? String == "unchanged")
    #expect(document?["summary"] as? String == Review.nothingToDo)
  }

  @Test func mistakesOnTheCommandLineExitOneWithASentence() throws {
    let revision = try fixture.review(["--base", "no-such-branch"])
    #expect(revision.status == 1)
    #expect(revision.stderr.contains("finding the commit 'no-such-branch'"), "\(revision.stderr)")
    let host = try fixture.review(["--base", "main", "--host", "nosuch"])
    #expect(host.status == 1)
    #expect(host.stderr.contains("no host 'nosuch' in either commit"), "\(host.stderr)")
    let notRepository = try TestCommand.reconcile([
      "review", "--repo", fixture.scratch.path, "--base", "main",
    ])
    #expect(notRepository.status == 1)
    #expect(notRepository.stderr.contains("opening the git repository"), "\(notRepository.stderr)")
  }

  @Test func reviewingAsAnotherUserThanRootSaysWhatCannotBeSimulated() throws {
    try #require(getuid() == 0, "needs root to drop to another user")
    let nobody = [
      "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", TestCommand.reconcile,
      "review",
    ]
    try TestCommand.run(["chmod", "-R", "a+rX", fixture.scratch.path])
    let simulated = try TestCommand.run(
      nobody + ["--repo", fixture.path, "--base", "main", "--head", "change"],
      environment: ["TMPDIR": "/tmp"])
    #expect(simulated.status == 1)
    #expect(
      simulated.stderr.contains("cannot simulate the base commit for host 'gemini' without root"),
      "\(simulated.stderr)")
    #expect(simulated.stderr.contains("run the review as root"))
    // A host new at head needs no simulation, so no root.
    let added = try TestCommand.run(
      nobody + ["--repo", fixture.path, "--base", "main", "--head", "change", "--host", "nova"],
      environment: ["TMPDIR": "/tmp"])
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("== nova: added"))
  }

  @Test func theStateRepositoryMayBeAFolderInsideALargerRepository() throws {
    let outer = try fixture.scratch.sub("outer")
    try ReviewFixture.git(["init", "-q", "-b", "main", outer])
    try TestCommand.run(["cp", "-R", "\(packageRoot)/state-repo-example", "\(outer)/state"])
    let base = try ReviewFixture.commit(
      "Add the state", files: ["README.md": "monorepo\n"], in: outer)
    let role = try String(
      contentsOfFile: "\(outer)/state/roles/report/role.yaml", encoding: .utf8)
    let disabled = role.replacing(
      "report.timer:\n    enable: true", with: "report.timer:\n    enable: false")
    #expect(disabled != role)
    let head = try ReviewFixture.commit(
      "Disable the report timer", files: ["state/roles/report/role.yaml": disabled], in: outer)
    let result = try TestCommand.reconcile([
      "review", "--repo", "\(outer)/state", "--base", base, "--head", head,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("== gemini: changed"), "\(result.stdout)")
    #expect(result.stdout.contains("- enablement:report.timer"), "\(result.stdout)")
  }

  var expectedJSON: String {
    """
    {"version": 1, "base": "\(fixture.base)", "head": "\(fixture.head)",
    "summary": "4 hosts affected: broken (invalid), gemini (changed), nova (added), \
    old (removed); reconcile would refuse the head commit on 1 of them.",
    "hosts": [
    {"host": "broken", "status": "invalid", "against": "none", "changes": [], "notes": {},
     "newDiagnostics": [
      {"severity": "error", "file": "hosts/broken.yaml", "line": 1, "column": 14,
       "message": "role 'gone' does not exist (roles/gone/role.yaml is missing)"}],
     "remarks": ["The head commit has errors for broken: reconcile would refuse to apply it"]},
    {"host": "gemini", "status": "changed", "against": "base",
     "notes": {"hardening": ["report.service 9.6 UNSAFE -> 1.3 OK"]},
     "changes": [
      {"address": "group:matrix", "action": "create", "cause": "new",
       "summary": "create system group matrix (GID 996) as the primary group of user matrix",
       "diff": ["+gid: 996"]},
      {"address": "user:matrix", "action": "create", "cause": "new",
       "summary": "create system user matrix (UID 997)",
       "diff": ["+uid: 997", "+group: matrix", "+home: /nonexistent (not created)",
        "+shell: /usr/sbin/nologin", "+comment: Matrix bot"]},
      {"address": "unit:matrix-bot.service", "action": "create", "cause": "new",
       "summary": "install unit file from roles/matrix/units/matrix-bot.service",
       "diff": ["+[Unit]", "+Description=Matrix bot", "+", "+[Service]", "+User=matrix",
        "+ExecStart=/usr/local/bin/matrix-bot", "+", "+[Install]",
        "+WantedBy=multi-user.target"]},
      {"address": "unit:report.service", "action": "update", "cause": "changed",
       "summary": "replace unit file (changed in the repository)",
       "diff": [" [Service]", " Type=oneshot", "-ExecStart=/usr/local/bin/report",
        "+ExecStart=/usr/local/bin/report --all"]},
      {"address": "drop-in:report.service/50-reconcile-hardening.conf", "action": "create",
       "cause": "new", "summary": "install drop-in from hardening",
       "diff": [
        "+# Written by reconcile: hardening profile \\"strict\\". Do not edit.", "+[Service]",
        "+NoNewPrivileges=yes", "+PrivateTmp=yes", "+ProtectSystem=full",
        "+ProtectHome=read-only", "+ProtectKernelTunables=yes", "+ProtectKernelModules=yes",
        "+ProtectControlGroups=yes", "+RestrictSUIDSGID=yes", "+RestrictRealtime=yes",
        "+LockPersonality=yes", "+ProtectSystem=strict", "+ProtectHome=yes",
        "+PrivateDevices=yes", "+ProtectKernelLogs=yes", "+ProtectClock=yes",
        "+ProtectHostname=yes", "+ProtectProc=invisible", "+RestrictNamespaces=yes",
        "+RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "+MemoryDenyWriteExecute=yes",
        "+SystemCallArchitectures=native", "+SystemCallFilter=@system-service",
        "+SystemCallFilter=~@privileged @resources", "+UMask=0077", "+CapabilityBoundingSet=",
        "+AmbientCapabilities=", "+PrivateUsers=yes", "+PrivateMounts=yes", "+ProcSubset=pid",
        "+RemoveIPC=yes", "+KeyringMode=private", "+DevicePolicy=closed", "+IPAddressDeny=any",
        "+IPAddressAllow=localhost"]},
      {"address": "enablement:matrix-bot.service", "action": "create", "cause": "new",
       "summary": "enable: /etc/systemd/system/multi-user.target.wants/matrix-bot.service",
       "diff": ["+/etc/systemd/system/multi-user.target.wants/matrix-bot.service -> \
    /etc/systemd/system/matrix-bot.service"]},
      {"address": "enablement:report.timer", "action": "delete", "cause": "prune",
       "summary": "disable (no longer declared)",
       "diff": ["-/etc/systemd/system/timers.target.wants/report.timer -> \
    /etc/systemd/system/report.timer"]},
      {"address": "unit:report.timer", "action": "delete", "cause": "prune",
       "summary": "remove /etc/systemd/system/report.timer (created by reconcile, no longer \
    in the repository)",
       "diff": ["-[Timer]", "-OnCalendar=daily", "-", "-[Install]", "-WantedBy=timers.target"]}],
     "newDiagnostics": [
      {"severity": "warning", "file": "roles/report/role.yaml", "line": 6, "column": 3,
       "message": "report.service has no [Install] section: enabling it creates nothing"}],
     "remarks": []},
    {"host": "nova", "status": "added", "against": "fresh", "notes": {},
     "changes": [
      {"address": "unit:web.service", "action": "create", "cause": "new",
       "summary": "install unit file from roles/web/units/web.service",
       "diff": ["+[Unit]", "+Description=Web", "+", "+[Service]", "+ExecStart=/usr/bin/web",
        "+", "+[Install]", "+WantedBy=multi-user.target"]},
      {"address": "enablement:web.service", "action": "create", "cause": "new",
       "summary": "enable: /etc/systemd/system/multi-user.target.wants/web.service",
       "diff": ["+/etc/systemd/system/multi-user.target.wants/web.service -> \
    /etc/systemd/system/web.service"]}],
     "newDiagnostics": [], "remarks": []},
    {"host": "old", "status": "removed", "against": "none", "changes": [], "notes": {},
     "newDiagnostics": [],
     "remarks": ["The host file hosts/old.yaml is removed: reconcile on old will refuse to \
    run (no such host) and leave what it installed in place"]}
    ]}
    """
  }
}
