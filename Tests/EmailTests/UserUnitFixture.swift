import Core
import Email
import Foundation
import TestSupport
import Units

/// Contributes one user unit for one user, as the podman plugin does for a container
/// (`/etc/systemd/user/container-bot.service`, `ConditionUser=matrix`): the email plugin is
/// tested here without podman. Its `bot:` section (any value) asks for the unit.
struct UserUnitSource: Plugin {
  var name: String { "bot" }
  var sections: [String] { ["bot"] }

  static let unit = """
    [Unit]
    Description=A container of matrix
    ConditionUser=matrix

    [Service]
    ExecStart=/usr/bin/podman run --rm bot
    Restart=on-failure

    [Install]
    WantedBy=default.target

    """

  func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> Bool {
    guard !declarations.sections("bot").isEmpty else { return false }
    contributions.units.append(
      GeneratedUnit(
        scope: .user, name: UnitName("container-bot.service")!, contents: Array(Self.unit.utf8),
        enable: true, user: "matrix", origin: name))
    return true
  }

  func observe(_ desired: Bool, ledger: Ledger, host: Core.Host) throws -> Bool { desired }
  func plan(_ desired: Bool, observed: Bool, ledger: Ledger, host: HostFacts) -> PluginPlan {
    PluginPlan()
  }
  func apply(_ change: Change, host: Core.Host, ledger: inout Ledger) throws -> String? { nil }
}

/// The email fixture with a user unit of `matrix` and the accounts the spool folder needs in
/// the root's /etc (matrix 990, reconcile-email 991).
struct UserUnitFixture {
  let email: EmailFixture

  init(section: String = EmailFixture.emailSection) throws {
    email = try EmailFixture(email: nil)
    try writeHost(section: section)
    try email.scratch.write(
      "root/etc/passwd",
      "root:x:0:0:root:/root:/bin/bash\nmatrix:x:990:990::/var/lib/matrix:/usr/sbin/nologin\n"
        + "reconcile-email:x:991:991::/nonexistent:/usr/sbin/nologin\n")
    try email.scratch.write(
      "root/etc/group", "root:x:0:\nmatrix:x:990:\nreconcile-email:x:991:\n")
  }

  /// The host file with the user unit and `section` (no email when nil).
  func writeHost(section: String?) throws {
    try email.scratch.write(
      "repo/hosts/gemini.yaml",
      "bot: {}\nunits:\n  report.timer: { enable: true }\n  node.service: { enable: true }\n"
        + (section.map { "\n" + $0 + "\n" } ?? ""))
  }

  var harness: EngineHarness {
    EngineHarness(
      plugins: [UserUnitSource(), EmailPlugin(), UnitsPlugin()], otherSections: [],
      repository: email.repository, host: "gemini", root: email.root)
  }
}
