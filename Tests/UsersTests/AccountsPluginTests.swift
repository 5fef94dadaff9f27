import Core
import Foundation
import Linger
import Subids
import SystemCalls
import TestSupport
import Testing
import Units
import Users

/// The users, subids and linger plugins (with units, for the whole example) through the
/// engine, against a temporary root seeded with Debian 12's `/etc`, with real shadow-utils.
@Suite("Accounts through the engine", .enabled(if: getuid() == 0, "shadow-utils needs root"))
struct AccountsPluginTests {
  let scratch: ScratchDirectory
  let repository: String
  let root: String

  init() throws {
    scratch = try ScratchDirectory("accounts")
    try scratch.copy(from: exampleRepository, to: "repo")
    repository = scratch.join("repo")
    root = scratch.join("root")
    try DebianRoot.seed(root)
  }

  var harness: EngineHarness { .accounts(repository: repository, root: root) }

  func accounts() throws -> AccountDatabase {
    try AccountFiles(fs: RootedFileSystem(root: root)).read()
  }

  func status(_ path: String) throws -> FileStatus {
    let url = URL(fileURLWithPath: root + path)
    return try Descriptor.open(url.deletingLastPathComponent().path, flags: O_RDONLY | O_DIRECTORY)
      .status(of: url.lastPathComponent)
  }

  @Test("Applying the example creates its users, groups, memberships, ranges and linger")
  func example() throws {
    let before = try DebianRoot.files.map { try status("/etc/\($0.name)") }
    let result = try harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let adoption = try #require(
      result.plan.changes.first { $0.address == Address("group", "debian-tor") })
    #expect(adoption.cause == .adoption)
    #expect(adoption.diff == ["+member: bitcoin"])
    // Groups before the users that join them; users before their ranges and linger.
    let order = result.plan.changes.map(\.address)
    func index(_ address: Address) throws -> Int { try #require(order.firstIndex(of: address)) }
    #expect(try index("group:debian-tor") < index("user:bitcoin"))
    #expect(try index("group:bitcoin") < index("user:lightning"))
    #expect(try index("user:matrix") < index("subids:matrix"))
    #expect(try index("user:matrix") < index("linger:matrix"))

    let after = try accounts()
    #expect(after.problems.isEmpty, "\(after.problems)")
    for name in ["bitcoin", "lightning", "report", "matrix"] {
      let user = try #require(after.passwd.entry(named: name))
      #expect(after.loginDefs.systemUIDs.contains(user.uid))
      #expect(user.shell == "/usr/sbin/nologin")
      #expect(after.group.entries.first { $0.gid == user.gid }?.name == name)
      #expect(after.shadow.entry(named: name)?.isLocked == false)
    }
    #expect(after.passwd.entry(named: "report")?.home == "/nonexistent")
    #expect(after.passwd.entry(named: "matrix")?.home == "/var/lib/matrix")
    #expect(try status("/var/lib/matrix").uid == after.passwd.entry(named: "matrix")?.uid)
    #expect(after.group.entry(named: "debian-tor")?.gid == 107)
    #expect(after.group.entry(named: "debian-tor")?.members == ["bitcoin"])
    #expect(after.gshadow.entry(named: "debian-tor")?.members == ["bitcoin"])
    #expect(after.supplementaryGroups(of: "lightning") == ["bitcoin"])
    #expect(try scratch.read("root/etc/subuid") == "matrix:100000:65536\n")
    #expect(try scratch.read("root/etc/subgid") == "matrix:100000:65536\n")
    #expect(scratch.exists("root/var/lib/systemd/linger/matrix"))
    #expect(!scratch.exists("root/var/lib/systemd/linger/bitcoin"))

    // The account files keep their owners and modes; shadow stays unreadable to others.
    for (file, old) in zip(DebianRoot.files, before) {
      let new = try status("/etc/\(file.name)")
      #expect((new.uid, new.gid, new.mode) == (old.uid, old.gid, old.mode), "\(file.name)")
    }
    #expect(try status("/etc/shadow").mode & 0o007 == 0)
    #expect(try status("/etc/gshadow").mode & 0o007 == 0)
    #expect(try status("/var/lib").mode == 0o755)

    let pwck = try TestCommand.run(["/usr/sbin/pwck", "-r", "-R", root])
    #expect(pwck.status == 0, "\(pwck.stdout)\(pwck.stderr)")
    let grpck = try TestCommand.run(["/usr/sbin/grpck", "-r", "-R", root])
    #expect(grpck.status == 0, "\(grpck.stdout)\(grpck.stderr)")
  }

  @Test("A second apply changes nothing and writes nothing")
  func secondApply() throws {
    try harness.apply()
    let before = try TreeSnapshot(root)
    let second = try harness.apply()
    #expect(second.plan.changes.isEmpty, "\(second.plan.changes.map(\.address))")
    #expect(second.writes == 0)
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test("A user added by hand survives every run")
  func handMadeUser() throws {
    let line = "alice:x:1000:1000:Alice:/home/alice:/bin/bash"
    try append("passwd", line + "\n")
    try append("shadow", "alice:!:20000:0:99999:7:::\n")
    try append("group", "alice:x:1000:\n")
    try append("gshadow", "alice:!::\n")
    try DebianRoot.provideHomesAndShells(root)
    try harness.apply()
    // The repository loses a user (locked), and gains one.
    try scratch.write(
      "repo/roles/report/role.yaml",
      "users:\n  auditor: {}\nunits:\n  report.timer:\n    enable: true\n")
    let second = try harness.apply()
    #expect(second.report.succeeded)
    try harness.apply()
    let accounts = try accounts()
    #expect(accounts.passwd.entry(named: "alice")?.line == line)
    #expect(accounts.group.entry(named: "alice")?.line == "alice:x:1000:")
    #expect(accounts.shadow.entry(named: "alice")?.isLocked == false)
    #expect(!second.plan.changes.contains { $0.address.name == "alice" })
  }

  @Test("A hand-made subuid line overlapping a declared range is an error naming both owners")
  func overlappingRange() throws {
    try append("subuid", "alice:200000:65536\n")
    try scratch.write(
      "repo/roles/matrix/role.yaml",
      "users:\n  matrix:\n    home: /var/lib/matrix\n    subids: { start: 230000, count: 65536 }\n    linger: true\n"
    )
    let before = try TreeSnapshot(root)
    #expect {
      try harness.apply()
    } throws: { error in
      let text = "\(error)"
      return text.contains(
        "roles/matrix/role.yaml:4:13: error: the declared range 230000-295535 of 'matrix' overlaps alice's range 200000-265535 in /etc/subuid"
      )
    }
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test("Removing a user locks it, stops its linger and keeps its home and ranges")
  func removalLocks() throws {
    try harness.apply()
    try scratch.write("root/var/lib/matrix/data", "kept\n")
    try scratch.write("repo/roles/matrix/role.yaml", "units: {}\n")
    let result = try harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let lock = try #require(result.plan.changes.first { $0.address == Address("user", "matrix") })
    #expect(lock.cause == .prune)
    #expect(lock.summary.hasPrefix("lock user matrix"))
    let order = result.plan.changes.map(\.address)
    #expect(order == [Address("linger", "matrix"), Address("user", "matrix")])
    let accounts = try accounts()
    #expect(accounts.shadow.entry(named: "matrix")?.isLocked == true)
    #expect(accounts.passwd.entry(named: "matrix") != nil)
    #expect(try scratch.read("root/var/lib/matrix/data") == "kept\n")
    #expect(try scratch.read("root/etc/subuid") == "matrix:100000:65536\n")
    #expect(!scratch.exists("root/var/lib/systemd/linger/matrix"))
    #expect(try harness.plan().changes.isEmpty)

    // Declared again, it is unlocked and keeps its UID.
    let uid = accounts.passwd.entry(named: "matrix")?.uid
    try FileManager.default.removeItem(atPath: repository + "/roles/matrix/role.yaml")
    try FileManager.default.copyItem(
      atPath: exampleRepository + "/roles/matrix/role.yaml",
      toPath: repository + "/roles/matrix/role.yaml")
    let back = try harness.apply()
    #expect(back.report.succeeded)
    #expect(try self.accounts().shadow.entry(named: "matrix")?.isLocked == false)
    #expect(try self.accounts().passwd.entry(named: "matrix")?.uid == uid)
  }

  @Test("A deleted user's UID is never given to a different user; its home stays")
  func uidsAreNotReused() throws {
    try scratch.write(
      "repo/roles/report/role.yaml",
      "users:\n  olduser: { remove: delete, home: /var/lib/olduser }\n")
    try harness.apply()
    let old = try #require(try accounts().passwd.entry(named: "olduser"))
    try scratch.write("repo/roles/report/role.yaml", "users: {}\n")
    let deletion = try harness.apply()
    #expect(deletion.report.succeeded, "\(deletion.report.failed)")
    #expect(
      deletion.plan.changes.first { $0.address == Address("user", "olduser") }?.action == .delete)
    #expect(try accounts().passwd.entry(named: "olduser") == nil)
    #expect(scratch.exists("root/var/lib/olduser"))

    try scratch.write("repo/roles/report/role.yaml", "users:\n  newuser: {}\n")
    try harness.apply()
    let accounts = try accounts()
    let new = try #require(accounts.passwd.entry(named: "newuser"))
    // The old UID is free and the highest free system UID, which useradd itself would pick.
    #expect(!accounts.passwd.entries.contains { $0.uid == old.uid })
    #expect(new.uid < old.uid)
    #expect(new.uid != old.uid && new.gid != old.gid)
  }

  @Test("Bad names, reserved IDs, duplicate IDs and ':' in fields are reported with file and line")
  func validation() throws {
    try scratch.write(
      "repo/roles/report/role.yaml",
      """
      users:
        Report: {}
        nobody2: { uid: 65534 }
        first: { uid: 850 }
        second: { uid: 850 }
        commented: { comment: "a:b" }
      groups:
        tor:users: {}

      """)
    let before = try TreeSnapshot(root)
    var diagnostics = Diagnostics()
    #expect(
      harness.engine.load(
        tree: DirectoryTree(path: repository), host: "gemini", diagnostics: &diagnostics) == nil)
    let errors = diagnostics.errors.map(\.description)
    let expected = [
      "roles/report/role.yaml:2:3: error: the user name 'Report' must start with a lowercase letter or '_'",
      "roles/report/role.yaml:3:19: error: UID 65534 is reserved for nobody",
      "roles/report/role.yaml:5:3: error: user 'second' declares UID 850, which user 'first' declares too",
      "roles/report/role.yaml:6:25: error: the comment of user 'commented' 'a:b' contains ':'",
      "roles/report/role.yaml:8:3: error: the group name 'tor:users' contains ':'",
    ]
    for line in expected {
      #expect(errors.contains { $0.hasPrefix(line) }, "missing \(line) in \(errors)")
    }
    #expect(errors.count == expected.count, "\(errors)")
    #expect(throws: DiagnosticsError.self) { try harness.apply() }
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test("A declared change of an existing user's UID is refused, naming both values")
  func changedUID() throws {
    try harness.apply()
    let uid = try #require(try accounts().passwd.entry(named: "report")?.uid)
    try scratch.write("repo/roles/report/role.yaml", "users:\n  report: { uid: 850 }\n")
    let before = try TreeSnapshot(root)
    let plan = try harness.plan()
    let error = try #require(plan.diagnostics.first { $0.code == "changed-id" })
    #expect(
      error.description.hasPrefix(
        "roles/report/role.yaml:2:3: error: user 'report' has UID \(uid) on the host but 850 is declared"
      ))
    #expect(throws: DiagnosticsError.self) { try harness.apply() }
    #expect(try TreeSnapshot(root).differences(from: before) == [])
  }

  @Test("An existing account is left alone unless the repository adopts it")
  func adoption() throws {
    try append("passwd", "tor:x:106:107::/var/lib/tor:/bin/false\n")
    try append("shadow", "tor:*:20000:0:99999:7:::\n")
    try scratch.write(
      "repo/roles/report/role.yaml", "users:\n  tor: { home: /var/lib/tor, group: debian-tor }\n")
    let refused = try harness.plan()
    #expect(refused.diagnostics.contains { $0.code == "not-adopted" && $0.position?.line == 2 })
    try scratch.write(
      "repo/roles/report/role.yaml",
      "users:\n  tor: { adopt: true, home: /var/lib/tor, group: debian-tor }\n")
    let result = try harness.apply()
    let change = try #require(result.plan.changes.first { $0.address == Address("user", "tor") })
    #expect(change.cause == .adoption)
    #expect(change.diff == ["-shell: /bin/false", "+shell: /usr/sbin/nologin"])
    #expect(try accounts().passwd.entry(named: "tor")?.uid == 106)
    // Leaving the repository, an adopted user is forgotten, not locked.
    try scratch.write("repo/roles/report/role.yaml", "units: {}\n")
    let left = try harness.apply()
    #expect(!left.plan.changes.contains { $0.address == Address("user", "tor") })
    #expect(try accounts().shadow.entry(named: "tor")?.isLocked == false)
  }

  private func append(_ file: String, _ text: String) throws {
    let handle = try Descriptor.open("\(root)/etc/\(file)", flags: O_WRONLY | O_APPEND)
    try handle.writeAll(Array(text.utf8))
  }
}
