import Foundation
import TestSupport
import Testing

/// Nothing reconcile did not create is ever deleted, whatever the repository says; what
/// only looks (plan, --dry-run, check) writes nothing; hand edits of the account files made
/// while reconcile applies are all kept.
@Suite struct NothingLostTests {
  let scratch: ScratchDirectory
  let root: String

  init() throws {
    scratch = try ScratchDirectory("nothing-lost")
    root = try scratch.sub("root")
    try DebianRoot.seed(root)
    try scratch.copy(from: exampleRepository, to: "repo")
  }

  func run(_ command: String, root: String? = nil) throws -> CommandResult {
    try TestCommand.reconcile([
      command, "--repo", scratch.join("repo"), "--host", "gemini", "--root", root ?? self.root,
    ])
  }

  func roles(_ names: [String]) throws {
    try scratch.write("repo/hosts/gemini.yaml", "roles: [\(names.joined(separator: ", "))]\n")
  }

  func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + path) }

  @Test("users leave the repository: their homes and the files in them stay, the accounts stay")
  func homesStay() throws {
    #expect(try run("apply").status == 0)
    for home in ["/var/lib/bitcoin", "/var/lib/matrix"] {
      try FileManager.default.createDirectory(atPath: root + home, withIntermediateDirectories: true)
      try "precious\n".write(toFile: root + home + "/wallet.dat", atomically: false, encoding: .utf8)
    }
    try roles(["report"])
    let second = try run("apply")
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    for home in ["/var/lib/bitcoin", "/var/lib/matrix"] {
      #expect(exists(home + "/wallet.dat"), "\(home) kept")
    }
    let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
    for user in ["bitcoin", "lightning", "matrix"] {
      #expect(passwd.contains("\n\(user):"), "user \(user) is locked, not deleted")
    }
    // Nothing but what reconcile created went: its units, links and drop-ins.
    #expect(!exists("/etc/systemd/system/bitcoind.service"))
    #expect(exists("/etc/systemd/system/report.timer"))
  }

  @Test("an adopted unit file is never deleted when it leaves the repository")
  func adoptedFileStays() throws {
    try scratch.write("root/etc/systemd/system/report.timer", "[Timer]\nOnCalendar=daily\n")
    #expect(try run("apply").status == 0)
    try roles(["bitcoin", "lightning", "matrix"])
    let second = try run("apply")
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    #expect(exists("/etc/systemd/system/report.timer"))
    #expect(!exists("/etc/systemd/system/report.service"), "the file reconcile created goes")
  }

  @Test("a unit file rewritten by hand is kept when it leaves the repository")
  func handEditedFileStays() throws {
    #expect(try run("apply").status == 0)
    let path = root + "/etc/systemd/system/bitcoind.service"
    try "[Service]\nExecStart=/usr/local/bin/my-own-bitcoind\n".write(toFile: path, atomically: false, encoding: .utf8)
    try roles(["report", "matrix"])
    let plan = try run("plan")
    #expect(plan.stdout.contains("kept /etc/systemd/system/bitcoind.service"), "\(plan.stdout)")
    let second = try run("apply")
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("my-own-bitcoind"))
    #expect(try run("plan").status == 0, "converged")
  }

  @Test("plan, --dry-run and check write nothing, before and after an apply, with changes pending")
  func lookingWritesNothing() throws {
    func expectNoWrite(_ label: String) throws {
      let before = try TreeSnapshot(root)
      let plan = try run("plan")
      #expect([0, 2, 4, 6].contains(plan.status), "\(plan.stderr)")
      let dry = try TestCommand.reconcile([
        "--dry-run", "--repo", scratch.join("repo"), "--host", "gemini", "--root", root,
      ])
      #expect(dry.stdout == plan.stdout)
      let check = try TestCommand.reconcile(["check", scratch.join("repo")])
      #expect(check.status == 0)
      #expect(try TreeSnapshot(root).differences(from: before) == [], "\(label)")
    }
    try expectNoWrite("on a fresh root")
    #expect(try run("apply").status == 0)
    try expectNoWrite("in sync")
    try roles(["report"])
    try "[Timer]\nOnCalendar=hourly\n".write(
      toFile: root + "/etc/systemd/system/report.timer", atomically: false, encoding: .utf8)
    try expectNoWrite("with repository changes and drift")
  }

  @Test("useradd by hand in a loop while reconcile applies users: no account is lost", arguments: 1...3)
  func handMadeUsersDuringApply(round: Int) async throws {
    let hands = (1...12).map { "hand\(round)x\($0)" }
    async let made: [Int32] = Task.detached { [root] in
      try hands.map { name in
        try TestCommand.run(["/usr/sbin/useradd", "--prefix", root, "-M", "-U", "--", name]).status
      }
    }.value
    let apply = try run("apply")
    let statuses = try await made
    #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
    #expect(statuses.allSatisfy { $0 == 0 }, "every useradd succeeded: \(statuses)")
    let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
    let group = try String(contentsOfFile: root + "/etc/group", encoding: .utf8)
    for user in hands + ["bitcoin", "lightning", "report", "matrix"] {
      #expect(passwd.contains("\n\(user):"), "user \(user)")
      #expect(group.contains("\n\(user):"), "group \(user)")
    }
    #expect(group.split(separator: "\n").contains { $0.hasPrefix("debian-tor:") && $0.contains("bitcoin") })
    let pwck = try TestCommand.run(["/usr/sbin/grpck", "-r", "-R", root])
    #expect(pwck.status == 0, "\(pwck.stdout)\(pwck.stderr)")
  }

  @Test("a shadow-utils tool killed holding its locks: the next apply takes them over")
  func staleShadowLocks() throws {
    // Kill a hand-run useradd at each lock it takes (link) and each file it replaces (rename).
    var walked = 0
    for syscall in ["link", "rename"] {
      for occurrence in 1... {
        let root = try scratch.sub("shadow-\(syscall)-\(occurrence)")
        try DebianRoot.seed(root)
        let killedRun = try KillWalk.run(
          ["/usr/sbin/useradd", "--prefix", root, "-M", "-U", "-d", "/nonexistent", "--", "alice"],
          killingAt: KillPoint(syscall, occurrence), scratch: scratch)
        guard killedRun.killed else { break }
        walked += 1
        let locks = try FileManager.default.contentsOfDirectory(atPath: root + "/etc").filter { $0.hasSuffix(".lock") }
        #expect(!locks.isEmpty || syscall == "rename" || occurrence == 1, "a lock is left: \(locks)")
        let apply = try run("apply", root: root)
        #expect(apply.status == 0, "after \(syscall) #\(occurrence): \(apply.stdout)\(apply.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: root + "/etc").filter { $0.hasSuffix(".lock") }
        #expect(left == [], "stale locks removed by shadow-utils (their PID is dead)")
        // useradd replaces passwd, shadow, group and gshadow one after the other: killed
        // between two renames it leaves alice half-made (pwck -r says so). That is the tool's
        // own gap; reconcile's accounts must be whole.
        for check in ["/usr/sbin/pwck", "/usr/sbin/grpck"] {
          let result = try TestCommand.run([check, "-r", "-R", root])
          let complaints = (result.stdout + result.stderr).split(separator: "\n")
            .filter { !$0.hasPrefix("no matching") && !$0.hasSuffix("no changes") }
          #expect(complaints.allSatisfy { $0.contains("'alice'") }, "\(check): \(complaints)")
          if syscall == "link" { #expect(result.status == 0, "\(check): \(complaints)") }
        }
        #expect(try run("plan", root: root).status == 0)
      }
    }
    #expect(walked >= 8)
  }
}
