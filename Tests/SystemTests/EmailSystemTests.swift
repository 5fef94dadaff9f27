import Foundation
import TestSupport
import Testing

/// Failure email against real systemd, msmtp and an SMTP server (aiosmtpd writing each
/// message to a Maildir) on loopback inside the bed.
@Suite(.tags(.system), .requiresTestBed)
struct EmailSystemTests {
  @Test("a watched unit that fails produces exactly one mail with its status")
  func aFailingUnitMailsOnce() async throws {
    try await withMailBed(name: "email-fail") { bed in
      let second = try await bed.apply()
      #expect(second.stdout.contains("No changes."), "\(second)")
      #expect(try await bed.bed.exec(["systemctl", "start", "flaky.service"]).status != 0)
      let mails = try await bed.waitForMails(1)
      try await Task.sleep(for: .seconds(2))
      #expect(try await bed.mails().count == 1, "exactly one message")
      let mail = try #require(mails.first)
      #expect(mail.header("Subject") == "[gemini] flaky.service failed", "\(mail.text)")
      #expect(mail.header("From") == "gemini@example.org")
      #expect(mail.header("X-RcptTo") == "operator@example.org")
      #expect(mail.body.contains("flaky.service - Fails at once"), "\(mail.body)")
      #expect(mail.body.contains("Active: failed (Result: exit-code)"))
      #expect(mail.body.contains("about to fail"), "the unit's own log lines are in the status")
      let notifier = try await bed.bed.run([
        "systemctl", "show", "--property=Result,User,UnitFileState",
        "status-email@flaky.service.service",
      ])
      #expect(notifier.contains("Result=success"), "\(notifier)")
      #expect(notifier.contains("User=reconcile-email"))
      #expect(notifier.contains("UnitFileState=static"), "the template is never enabled")
    }
  }

  @Test("a unit that restarts on failure mails once it gives up, not while it restarts")
  func aRestartingUnitMailsWhenItGivesUp() async throws {
    try await withMailBed(name: "email-restart") { bed in
      try await bed.bed.run(["systemctl", "start", "crashy.service"])
      // Three starts allowed per minute, three seconds apart: it gives up after about 6 s.
      // Once it restarted for the first time, it waits 3 s in auto-restart: look then.
      let restarting = try await bed.bed.run(
        [
          "sh", "-c",
          "for i in $(seq 100); do "
            + "[ \"$(systemctl show --value --property=NRestarts crashy.service)\" -ge 1 ] "
            + "&& break; "
            + "sleep 0.1; done; "
            + "systemctl show --property=ActiveState,SubState,NRestarts crashy.service",
        ])
      #expect(restarting.contains("ActiveState=activating"), "\(restarting)")
      #expect(restarting.contains("SubState=auto-restart"), "\(restarting)")
      #expect(restarting.contains("NRestarts=1"), "\(restarting)")
      #expect(try await bed.mails().isEmpty, "no mail while it is still restarting")
      let mails = try await bed.waitForMails(1, timeout: 30)
      try await Task.sleep(for: .seconds(2))
      #expect(try await bed.mails().count == 1)
      let state = try await bed.bed.run([
        "systemctl", "show", "--property=ActiveState,Result", "crashy.service",
      ])
      #expect(state.contains("ActiveState=failed"), "\(state)")
      #expect(mails.first?.header("Subject") == "[gemini] crashy.service failed")
      #expect(
        mails.first?.body.contains("Start request repeated too quickly") == true,
        "\(mails.first?.body ?? "")")
    }
  }

  @Test("removing the email declaration removes the drop-ins, the template and the script")
  func removingTheDeclarationRemovesEverything() async throws {
    try await withMailBed(name: "email-remove") { bed in
      let steady = try await bed.invocation("steady.service")
      try await bed.writeRepository(email: false)
      let removal = try await bed.apply()
      #expect(removal.status == 0, "\(removal)")
      #expect(removal.stdout.contains("systemd:daemon-reload"), "\(removal.stdout)")
      #expect(try await bed.invocation("steady.service") == steady, "reloaded, not restarted")
      for path in [
        "/etc/systemd/system/status-email@.service", "/etc/systemd/system/flaky.service.d",
        "/etc/systemd/system/crashy.service.d", "/usr/local/lib/reconcile/status-email",
      ] {
        #expect(try await bed.bed.exec(["test", "-e", path]).status == 1, "\(path) is gone")
      }
      #expect(
        try await bed.bed.run([
          "systemctl", "show", "--value", "--property=OnFailure", "flaky.service",
        ]) == "\n")
      #expect(try await bed.bed.exec(["systemctl", "start", "flaky.service"]).status != 0)
      try await Task.sleep(for: .seconds(3))
      #expect(try await bed.mails().isEmpty, "no more mail")
      #expect(try await bed.apply().stdout.contains("No changes."))

      // Turning email on again adds the drop-ins and reloads: the running service stays.
      try await bed.writeRepository(email: true)
      let again = try await bed.apply()
      #expect(again.stdout.contains("drop-in:steady.service/50-reconcile-email.conf"))
      #expect(!again.stdout.contains("activation:steady.service"), "\(again.stdout)")
      #expect(try await bed.invocation("steady.service") == steady, "reloaded, not restarted")
      #expect(
        try await bed.bed.run([
          "systemctl", "show", "--value", "--property=OnFailure", "steady.service",
        ]) == "status-email@steady.service.service\n")
    }
  }

  @Test("a container unit that gives up mails once, naming its user; no credential is in its reach")
  func aFailingContainerMailsOnce() async throws {
    try await withTestBed(name: "email-container") { bed in
      let server = try await MailServer.start(in: bed)
      let podman = try await PodmanBed.custom(
        bed,
        role: """
          users:
            mailer: { home: /var/lib/mailer, subids: true, linger: true }
          containers:
            broken:
              user: mailer
              image: localhost/tiny:1
              image-archive: files/tiny.tar
              command:
                [/bin/sh, -c, "while [ ! -e /flag/fail ]; do sleep 0.2; done; echo broken; exit 1"]
              network: none
              volumes: [{ source: /srv/flag, target: /flag, options: [ro] }]

          """)
      defer { podman.remove() }
      try podman.write(
        "hosts/box.yaml",
        """
        roles: [app]
        podman: { runtime: crun, keyring: false }
        email:
          recipients: [operator@example.org]
          sender: box@example.org
          client-config: /etc/reconcile/msmtprc
          start-limit: { interval: 5min, burst: 2 }

        """)
      try await podman.push()
      try await bed.run(["mkdir", "-p", "/srv/flag"])
      let first = try await podman.reconcile(host: "box")
      #expect(first.status == 0, "\(first)")
      // No warning but the bed's own (podman's preflight may find hybrid cgroups).
      let warnings = first.stderr.split(separator: "\n").filter {
        $0.contains("warning:") && !$0.contains("podman preflight")
      }
      #expect(warnings.isEmpty, "\(first.stderr)")
      let second = try await podman.reconcile(host: "box")
      #expect(second.stdout.contains("No changes."), "\(second)")
      #expect(try await podman.waitActive("mailer", "container-broken.service") == "active")
      let spool = "/var/spool/reconcile-email/mailer"
      #expect(
        try await bed.run(["stat", "-c", "%U:%G %a", "/var/spool/reconcile-email", spool])
          == "root:root 755\nmailer:reconcile-email 2770\n")

      // What the user puts in the spool is data: an odd name and a symlink are removed unread.
      try await bed.run([
        "runuser", "-u", "mailer", "--", "sh", "-c",
        "echo forged > \"$1/bad name\"; ln -s /etc/reconcile/msmtprc \"$1/x.service+1\"", "sh",
        spool,
      ])
      try await waitUntilEmpty(bed, spool)

      // The container exits 1 from now on: it restarts until the start limit, then mails.
      try await bed.run(["touch", "/srv/flag/fail"])
      let mails = try await server.waitForMails(1, timeout: 90)
      try await Task.sleep(for: .seconds(3))
      #expect(try await server.mails().count == 1, "exactly one message")
      let mail = try #require(mails.first)
      #expect(
        mail.header("Subject") == "[box] mailer/container-broken.service failed", "\(mail.text)")
      #expect(mail.header("From") == "box@example.org")
      #expect(mail.header("X-RcptTo") == "operator@example.org")
      #expect(
        mail.body.contains("container-broken.service - Podman container broken"), "\(mail.body)")
      #expect(mail.body.contains("Active: failed"), "\(mail.body)")
      #expect(!mail.text.contains(server.secret))
      let state = try await podman.userctl(
        "mailer", ["show", "-p", "ActiveState,NRestarts", "container-broken.service"])
      #expect(state.stdout.contains("ActiveState=failed"), "\(state)")
      try await waitUntilEmpty(bed, spool)
      let relay = try await bed.run([
        "systemctl", "show", "--property=Result,User,UnitFileState",
        "status-email-relay@mailer.service",
      ])
      #expect(relay.contains("Result=success"), "\(relay)")
      #expect(relay.contains("User=reconcile-email"))
      #expect(relay.contains("UnitFileState=static"), "the relay is never enabled")
      let journal = try await bed.run([
        "journalctl", "--no-pager", "-o", "cat", "-u", "status-email-relay@mailer.service",
      ])
      #expect(journal.contains("refusing 'bad?name' spooled by mailer: not UNIT+ID"), "\(journal)")
      #expect(journal.contains("refusing 'x.service+1' spooled by mailer: not a regular file"))

      // Nothing the user can read holds the credentials.
      let search = try await bed.exec([
        "runuser", "-u", "mailer", "--", "grep", "-rlsF", server.secret, "/etc", "/var", "/srv",
        "/run", "/tmp", "/usr/local",
      ])
      #expect(search.stdout.isEmpty, "readable by mailer: \(search.stdout)")
      #expect(
        try await bed.exec(["runuser", "-u", "mailer", "--", "cat", "/etc/reconcile/msmtprc"])
          .status != 0)
      try await server.stop()
    }
  }
}

/// Waits (15 s at most) until the spool folder `path` is empty.
func waitUntilEmpty(_ bed: TestBed, _ path: String) async throws {
  for _ in 0..<60 {
    if try await bed.run(["ls", "-A", path]).isEmpty { return }
    try await Task.sleep(for: .milliseconds(250))
  }
  throw TestBedError(doing: "waiting for \(path) to empty", detail: "it did not in 15 s")
}

/// A bed with reconcile, a state repository with failure email for host gemini, a running
/// SMTP server on a free loopback port and msmtp configured for it; applied once.
struct MailBed {
  let bed: TestBed
  let server: MailServer
  let scratch: ScratchDirectory

  /// Writes the repository and copies it to /srv/state in the bed.
  func writeRepository(email: Bool) async throws {
    try scratch.write("repo/reconcile.yaml", "format: 1\n")
    try scratch.write(
      "repo/hosts/gemini/units/flaky.service",
      "[Unit]\nDescription=Fails at once\n\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "
        + "'echo about to fail; exit 7'\n"
    )
    try scratch.write(
      "repo/hosts/gemini/units/steady.service",
      "[Unit]\nDescription=Runs on\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\n"
        + "WantedBy=multi-user.target\n")
    try scratch.write(
      "repo/hosts/gemini/units/crashy.service",
      "[Unit]\nDescription=Keeps failing\n\n[Service]\nExecStart=/bin/sh -c 'echo crash; exit 1'\n"
        + "Restart=on-failure\nRestartSec=3\n")
    let section = """

      email:
        recipients: [operator@example.org]
        sender: gemini@example.org
        client-config: /etc/reconcile/msmtprc
        start-limit: { interval: 1min, burst: 3 }

      """
    try scratch.write(
      "repo/hosts/gemini.yaml",
      "units:\n  steady.service: { enable: true }\n" + (email ? section : ""))
    _ = try? await bed.run(["rm", "-rf", "/srv/state"])
    try await bed.copyIn(scratch.join("repo"), to: "/srv/state")
  }

  /// `reconcile apply` of the repository; fails the test when it does not succeed.
  @discardableResult
  func apply() async throws -> TestBed.Output {
    let output = try await bed.exec([
      "reconcile", "apply", "--repo", "/srv/state", "--host", "gemini",
    ])
    #expect(output.status == 0, "\(output)")
    return output
  }

  /// The messages the server received so far.
  func mails() async throws -> [Mail] { try await server.mails() }

  /// Waits until at least `count` messages arrived; throws after `timeout` seconds.
  func waitForMails(_ count: Int, timeout: Double = 15) async throws -> [Mail] {
    try await server.waitForMails(count, timeout: timeout)
  }

  /// `InvocationID` of a system unit: it changes when the unit restarts.
  func invocation(_ unit: String) async throws -> String {
    try await bed.run(["systemctl", "show", "--value", "--property=InvocationID", unit])
  }
}

/// An SMTP server (aiosmtpd writing each message to a Maildir) on a free loopback port in
/// the bed, and msmtp's configuration for it in /etc/reconcile/msmtprc (root-only), holding
/// a `secret` line that stands for the account's password.
struct MailServer {
  let bed: TestBed
  let port: Int
  let secret: String

  static let mailDirectory = "/var/tmp/mail"

  /// Starts the server and writes the client configuration.
  static func start(in bed: TestBed) async throws -> MailServer {
    // The bed shares the host's network: ask the kernel for a port nobody uses.
    let port = try await bed.run([
      "python3", "-c",
      "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
    ])
    let server = MailServer(
      bed: bed, port: Int(port.trimmingCharacters(in: .whitespacesAndNewlines))!,
      secret: "secret-\(UUID().uuidString)")
    try await bed.run([
      "systemd-run", "--unit=smtp-sink", "--", "python3", "-m", "aiosmtpd", "-n", "-l",
      "127.0.0.1:\(server.port)",
      "-c", "aiosmtpd.handlers.Mailbox", Self.mailDirectory,
    ])
    try await bed.run([
      "bash", "-c",
      "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && exit 0; sleep "
        + "0.1; done; exit 1",
      "bash", String(server.port),
    ])
    try await bed.run(["mkdir", "-p", "/etc/reconcile"])
    try await bed.run(
      ["sh", "-c", "umask 077; cat > /etc/reconcile/msmtprc"],
      input: Array(
        ("# \(server.secret)\naccount default\nhost 127.0.0.1\nport \(server.port)\n"
          + "from gemini@example.org\nauth off\ntls off\n").utf8))
    return server
  }

  func stop() async throws { try await bed.run(["systemctl", "stop", "smtp-sink.service"]) }

  /// The messages the server received so far.
  func mails() async throws -> [Mail] {
    let listing = try await bed.exec(["ls", "-1", Self.mailDirectory + "/new"])
    var result: [Mail] = []
    for name in listing.stdout.split(separator: "\n") where listing.succeeded {
      result.append(Mail(text: try await bed.run(["cat", Self.mailDirectory + "/new/" + name])))
    }
    return result
  }

  /// Waits until at least `count` messages arrived; throws after `timeout` seconds.
  func waitForMails(_ count: Int, timeout: Double = 15) async throws -> [Mail] {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
      let mails = try await mails()
      if mails.count >= count { return mails }
      try await Task.sleep(for: .milliseconds(250))
    }
    throw TestBedError(
      doing: "waiting for \(count) mail(s) in \(bed.name)", detail: "none came within \(timeout) s")
  }
}

/// One message as the Maildir holds it.
struct Mail {
  var text: String
  var headers: [Substring] {
    text.split(separator: "\n\n", maxSplits: 1).first?.split(separator: "\n") ?? []
  }
  var body: String {
    text.split(separator: "\n\n", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
  }
  func header(_ name: String) -> String? {
    headers.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
  }
}

/// Boots a bed, installs reconcile, starts the SMTP server, configures msmtp, applies the
/// repository with email, runs `body`, and stops the server.
func withMailBed(name: String, _ body: (MailBed) async throws -> Void) async throws {
  try await withTestBed(name: name) { bed in
    try await bed.installReconcile()
    let mail = MailBed(
      bed: bed, server: try await MailServer.start(in: bed),
      scratch: try ScratchDirectory("email-bed"))
    try await mail.writeRepository(email: true)
    let first = try await mail.apply()
    #expect(
      !first.stderr.contains("warning: the email"),
      "client and configuration are in place: \(first.stderr)")
    try await body(mail)
    try await mail.server.stop()
  }
}
