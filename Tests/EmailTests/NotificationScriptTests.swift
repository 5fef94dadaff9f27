import Foundation
import TestSupport
import Testing

/// The installed notification script, run with a stand-in `systemctl` (on PATH) and mail
/// client (declared as the client): the message it builds, the client's arguments, and
/// unit names that try to be more than data.
@Suite struct NotificationScriptTests {
  let fixture: EmailFixture
  let bin: String

  init() throws {
    let fixture = try EmailFixture(email: nil)
    bin = try fixture.scratch.sub("bin")
    try fixture.writeHost(
      email: EmailFixture.emailSection.replacingOccurrences(
        of: "  sender:", with: "  client: \(bin)/sendmail\n  sender:"))
    // The client records its arguments and the message; systemctl prints a status with its
    // arguments and exits 3, as it does for a failed unit (and knows no invocation to wait for).
    try fixture.scratch.write(
      "bin/sendmail", "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$OUT/args\"\ncat > \"$OUT/message\"\n",
      mode: 0o755)
    try fixture.scratch.write(
      "bin/systemctl",
      "#!/bin/sh\n[ \"$1\" = show ] && exit 0\necho \"x unit status: $*\"\necho 'Active: "
        + "failed (Result: exit-code)'\nexit 3\n",
      mode: 0o755)
    try fixture.harness.apply()
    self.fixture = fixture
  }

  func run(_ unit: String) throws -> CommandResult {
    try TestCommand.run(
      [fixture.root + "/usr/local/lib/reconcile/status-email", unit],
      environment: [
        "PATH": "\(bin):/usr/bin:/bin", "OUT": fixture.scratch.path,
        "CREDENTIALS_DIRECTORY": "/run/credentials/x",
      ])
  }

  @Test func mailsTheStatusWithUnitAndHostInTheSubject() throws {
    let result = try run("report.service")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.scratch.read("args")
        == """
        -C
        /run/credentials/x/sendmail.conf
        -i
        -f
        gemini@example.org
        --
        operator@example.org
        backup@example.org

        """)
    let message = try fixture.scratch.read("message")
    let (headers, body) = try #require(
      message.split(separator: "\n\n", maxSplits: 1).map(String.init).pair)
    let lines = headers.split(separator: "\n").map(String.init)
    #expect(lines.contains("Subject: [gemini] report.service failed"))
    #expect(lines.contains("From: gemini@example.org"))
    #expect(lines.contains("To: operator@example.org, backup@example.org"))
    #expect(lines.contains("Auto-Submitted: auto-generated"))
    #expect(lines.contains { $0.hasPrefix("Date: ") })
    #expect(
      body
        == "x unit status: status --full --no-pager --lines=50 -- report.service\nActive: "
        + "failed (Result: exit-code)\n"
    )
  }

  @Test(arguments: [
    "x.service; touch PWNED", "$(touch PWNED).service", "`touch PWNED`", "-H", "--help", "",
    "a.service\nSubject: spoofed", "../../etc/passwd",
  ])
  func refusesUnitNamesThatAreNotJustNames(_ unit: String) throws {
    let result = try run(unit)
    #expect(result.status == 2, "\(result)")
    #expect(!fixture.scratch.exists("args"), "the client must not run")
    #expect(!fixture.scratch.exists("PWNED") && !FileManager.default.fileExists(atPath: "PWNED"))
  }

  @Test func acceptsTemplateInstancesAndEscapes() throws {
    let result = try run("container@matrix\\x2dbot.service")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.scratch.read("message").contains(
        "Subject: [gemini] container@matrix\\x2dbot.service failed"))
  }
}

extension Array {
  /// The two elements of a two-element array.
  fileprivate var pair: (Element, Element)? { count == 2 ? (self[0], self[1]) : nil }
}
