import Foundation
import TestSupport

/// A state repository with a base and a head commit, made with the git CLI, standing in for a
/// pull request. Commit dates and authors are fixed, so the commit ids (and the golden file)
/// are the same on every run.
///
/// Hosts: `gemini` changes (a new role with a new system user and its unit, a unit edited and
/// hardened with the strict profile, its timer removed, a new warning), `vega` is untouched,
/// `nova` is added, `old` is removed and `broken` lists a role that does not exist at head.
struct ReviewFixture {
  let scratch: ScratchDirectory
  /// The repository's work tree.
  let path: String
  let base: String
  let head: String

  static let webService =
    "[Unit]\nDescription=Web\n\n[Service]\nExecStart=/usr/bin/web\n\n"
    + "[Install]\nWantedBy=multi-user.target\n"
  static let reportTimer = "[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n"

  static let baseFiles: [String: String] = [
    "reconcile.yaml": "format: 1\n",
    "hosts/gemini.yaml": "roles: [report, web]\n",
    "hosts/vega.yaml": "roles: [web]\n",
    "hosts/old.yaml": "roles: [web]\n",
    "hosts/broken.yaml": "roles: [web]\n",
    "roles/web/role.yaml": "units:\n  web.service:\n    enable: true\n",
    "roles/web/units/web.service": webService,
    "roles/report/role.yaml":
      "users:\n  report:\n    comment: Daily report\n\nunits:\n  report.timer:\n    enable: true\n",
    "roles/report/units/report.service":
      "[Unit]\nDescription=Daily report\n\n[Service]\nType=oneshot\n"
      + "ExecStart=/usr/local/bin/report\n",
    "roles/report/units/report.timer": reportTimer,
  ]

  /// What the pull request writes (nil: deletes).
  static let headChanges: [String: String?] = [
    "hosts/gemini.yaml": "roles: [report, web, matrix]\n",
    "hosts/nova.yaml": "roles: [web]\n",
    "hosts/old.yaml": nil,
    "hosts/broken.yaml": "roles: [web, gone]\n",
    "roles/matrix/role.yaml":
      "users:\n  matrix:\n    comment: Matrix bot\n\n"
      + "units:\n  matrix-bot.service:\n    enable: true\n",
    "roles/matrix/units/matrix-bot.service":
      "[Unit]\nDescription=Matrix bot\n\n[Service]\nUser=matrix\n"
      + "ExecStart=/usr/local/bin/matrix-bot\n\n"
      + "[Install]\nWantedBy=multi-user.target\n",
    "roles/report/role.yaml":
      "users:\n  report:\n    comment: Daily report\n\n"
      + "units:\n  report.service:\n    enable: true\n\n"
      + "hardening:\n  units:\n    report.service:\n      profile: strict\n",
    "roles/report/units/report.service":
      "[Unit]\nDescription=Daily report\n\n[Service]\nType=oneshot\n"
      + "ExecStart=/usr/local/bin/report --all\n",
    "roles/report/units/report.timer": nil,
    ".github/workflows/review.yaml": "on: pull_request\n",
  ]

  init() throws {
    scratch = try ScratchDirectory("review")
    path = try scratch.sub("state")
    try Self.git(["init", "-q", "-b", "main", path])
    base = try Self.commit("Describe the hosts", files: Self.baseFiles, in: path)
    try Self.git(["-C", path, "checkout", "-q", "-b", "change"])
    head = try Self.commit(
      "Add the matrix bot, harden the report, drop its timer", files: Self.headChanges, in: path)
  }

  /// Writes (or deletes, for nil) `files`, stages everything and commits; returns the id.
  @discardableResult
  static func commit(_ message: String, files: [String: String?], in path: String) throws -> String {
    for (name, content) in files {
      let file = "\(path)/\(name)"
      if let content {
        try FileManager.default.createDirectory(
          atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: file))
      } else {
        try FileManager.default.removeItem(atPath: file)
      }
    }
    try git(["-C", path, "add", "-A"])
    try git(["-C", path, "commit", "-q", "--no-gpg-sign", "--allow-empty", "-m", message])
    return try git(["-C", path, "rev-parse", "HEAD"]).trimmingCharacters(
      in: .whitespacesAndNewlines)
  }

  /// Runs git with a fixed identity and dates and no user or system configuration.
  @discardableResult
  static func git(_ arguments: [String]) throws -> String {
    let environment = [
      "GIT_AUTHOR_NAME": "Operator", "GIT_AUTHOR_EMAIL": "ops@example.org",
      "GIT_COMMITTER_NAME": "Operator", "GIT_COMMITTER_EMAIL": "ops@example.org",
      "GIT_AUTHOR_DATE": "2026-11-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-01T12:00:00Z",
      "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]
    let result = try TestCommand.run(["git"] + arguments, environment: environment)
    guard result.status == 0 else {
      throw ReviewFixtureError(command: arguments, stderr: result.stderr)
    }
    return result.stdout
  }

  /// Runs `reconcile review --repo PATH` with `arguments`.
  func review(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
    try TestCommand.reconcile(["review", "--repo", path] + arguments, environment: environment)
  }
}

/// A git command of the fixture failed.
struct ReviewFixtureError: Error, CustomStringConvertible {
  var command: [String]
  var stderr: String
  var description: String { "git \(command.joined(separator: " ")) failed: \(stderr)" }
}
