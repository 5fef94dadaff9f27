import Foundation
import TestSupport
import Testing

/// The installed spool and relay scripts, run with stand-ins for `systemctl`, `journalctl`
/// (on PATH) and the mail client, against a spool folder in the scratch directory: what the
/// user side writes, what the relay mails, and spool entries a hostile user could make.
@Suite struct SpoolAndRelayScriptTests {
  let fixture: UserUnitFixture
  let bin: String
  let spool: String

  init() throws {
    let fixture = try UserUnitFixture()
    let scratch = fixture.email.scratch
    bin = try scratch.sub("bin")
    try fixture.writeHost(
      section: EmailFixture.emailSection.replacingOccurrences(
        of: "  sender:", with: "  client: \(bin)/sendmail\n  sender:"))
    // The client appends each message and a separator line; systemctl knows one invocation
    // and prints a failed status; the journal holds nothing this user may read.
    try scratch.write(
      "bin/sendmail",
      "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$OUT/args\"\ncat >> \"$OUT/messages\"\n"
        + "echo '=====' >> \"$OUT/messages\"\n",
      mode: 0o755)
    try scratch.write(
      "bin/systemctl",
      "#!/bin/sh\n[ \"$2\" = show ] && { echo 0123456789abcdef0123456789abcdef; exit 0; }\n"
        + "echo \"x unit status: $*\"\necho 'Active: failed (Result: start-limit-hit)'\nexit 3\n",
      mode: 0o755)
    try scratch.write("bin/journalctl", "#!/bin/sh\nexit 0\n", mode: 0o755)
    try fixture.harness.apply()
    spool = try scratch.sub("spool/root")
    self.fixture = fixture
  }

  var scratch: ScratchDirectory { fixture.email.scratch }

  func run(_ script: String, _ argument: String) throws -> CommandResult {
    try TestCommand.run(
      [fixture.email.root + "/usr/local/lib/reconcile/" + script, argument],
      environment: [
        "PATH": "\(bin):/usr/bin:/bin", "OUT": scratch.path,
        "CREDENTIALS_DIRECTORY": "/run/credentials/x",
        "RECONCILE_EMAIL_SPOOL": scratch.join("spool"),
      ])
  }

  /// The messages the client got.
  func messages() throws -> [String] {
    guard scratch.exists("messages") else { return [] }
    return try scratch.read("messages").components(separatedBy: "=====\n").dropLast()
  }

  func spooled() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: spool) }

  @Test func theUserSideSpoolsAndTheRelayMailsOnceAndRemovesIt() throws {
    let spooling = try run("status-email-spool", "container-bot.service")
    #expect(spooling.status == 0, "\(spooling.stderr)")
    #expect(try spooled() == ["container-bot.service+0123456789abcdef0123456789abcdef"])
    let relaying = try run("status-email-relay", "root")
    #expect(relaying.status == 0, "\(relaying.stderr)")
    #expect(try spooled() == [])
    let messages = try messages()
    #expect(messages.count == 1)
    let message = try #require(messages.first)
    let (headers, body) = try #require(
      message.split(separator: "\n\n", maxSplits: 1).map(String.init).pair)
    let lines = headers.split(separator: "\n").map(String.init)
    #expect(lines.contains("Subject: [gemini] root/container-bot.service failed"), "\(lines)")
    #expect(lines.contains("From: gemini@example.org"))
    #expect(lines.contains("To: operator@example.org, backup@example.org"))
    #expect(
      body
        == "Reported by the systemd manager of root:\n\nx unit status: --user status --full "
        + "--no-pager --lines=50 -- container-bot.service\nActive: failed (Result: "
        + "start-limit-hit)\n")
    #expect(
      try scratch.read("args")
        == "-C\n/run/credentials/x/sendmail.conf\n-i\n-f\ngemini@example.org\n--\n"
        + "operator@example.org\nbackup@example.org\n")
  }

  @Test func theRelayRefusesWhatIsNotAPlainReportAndMailsTheRest() throws {
    try scratch.write("secret", "SECRET PASSWORD\n")
    try FileManager.default.createSymbolicLink(
      atPath: spool + "/x.service+1", withDestinationPath: scratch.join("secret"))
    #expect(mkfifo(spool + "/y.service+2", 0o644) == 0)
    try FileManager.default.createDirectory(
      atPath: spool + "/d.service+3", withIntermediateDirectories: false)
    let hostile = [
      "bad name", "-x.service+4", "noservice+5", "$(touch PWNED).service+6",
      "a.service\nSubject: forged+7", "b.service+8;rm", "c.service+9+10", "e.service+",
    ]
    for name in hostile { try scratch.write("spool/root/" + name, "hostile\n") }
    try scratch.write("spool/root/ok.service+11", "status \u{1b}[31mred\r\nline\ttab\n")
    let relaying = try run("status-email-relay", "root")
    #expect(relaying.status == 0, "\(relaying.stderr)")
    #expect(try spooled() == [], "everything refused is removed")
    let messages = try messages()
    #expect(messages.count == 1, "\(messages)")
    #expect(messages.first?.contains("Subject: [gemini] root/ok.service failed\n") == true)
    #expect(
      messages.first?.hasSuffix(
        "\n\nReported by the systemd manager of root:\n\n"
          + "status [31mred\nline\ttab\n") == true, "\(messages)")
    #expect(!messages.joined().contains("SECRET"))
    #expect(!messages.joined().contains("hostile"))
    #expect(scratch.exists("secret"), "a symlink is removed, never its target")
    #expect(!FileManager.default.fileExists(atPath: spool + "/PWNED"))
    #expect(!scratch.exists("PWNED"))
    // Refusals name the entry with its odd characters shown as '?'.
    #expect(relaying.stderr.contains("refusing 'a.service?Subject:?forged+7' spooled by root"))
    #expect(relaying.stderr.contains("refusing 'x.service+1' spooled by root: not a regular file"))
  }

  @Test func aReportLeftHalfWrittenIsRemovedUnread() throws {
    try scratch.write("spool/root/.123.tmp", "half\n")
    let relaying = try run("status-email-relay", "root")
    #expect(relaying.status == 0, "\(relaying.stderr)")
    #expect(try spooled() == [])
    #expect(try messages().isEmpty)
    #expect(relaying.stderr.contains("left unfinished"))
  }

  @Test(arguments: ["", "Root", "-root", "a/b", "x;y", "../etc"])
  func theRelayRefusesUserNamesThatAreNotJustNames(_ user: String) throws {
    let relaying = try run("status-email-relay", user)
    #expect(relaying.status == 2, "\(user): \(relaying.stderr)")
    #expect(try messages().isEmpty)
  }

  @Test(arguments: ["", "-x.service", "a;b.service", "a b.service", "$(id).service"])
  func theUserSideRefusesUnitNamesThatAreNotJustNames(_ unit: String) throws {
    let spooling = try run("status-email-spool", unit)
    #expect(spooling.status == 2, "\(unit): \(spooling.stderr)")
    #expect(try spooled() == [])
  }
}

extension Array {
  fileprivate var pair: (Element, Element)? { count == 2 ? (self[0], self[1]) : nil }
}
