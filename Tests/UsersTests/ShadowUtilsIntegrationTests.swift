import Foundation
import Subids
import SystemCalls
import Testing

@testable import Core

/// Real shadow-utils (`--prefix`) against a temporary root seeded with Debian 12's `/etc`.
@Suite("shadow-utils on a Debian 12 root", .enabled(if: getuid() == 0, "needs root"))
struct ShadowUtilsIntegrationTests {
  let runner = ShadowUtilsRunner()

  /// The example host's accounts: what the users plugin will ask for.
  static func exampleUsers() -> [ShadowUtils.NewUser] {
    [
      .init(
        name: "bitcoin", system: true, primaryGroup: "bitcoin", groups: ["debian-tor"],
        home: "/var/lib/bitcoin", comment: "Bitcoin node", createHome: true),
      .init(
        name: "lightning", system: true, groups: ["bitcoin"], home: "/var/lib/lightning",
        comment: "Lightning node", createHome: true),
      .init(name: "report", system: true, home: "/nonexistent", comment: "Daily node report"),
      .init(
        name: "matrix", system: true, home: "/var/lib/matrix", comment: "Matrix bot",
        createHome: true),
    ]
  }

  @Test("Creating the example's users, groups, memberships and subordinate IDs")
  func example() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    // Someone added a user and a subuid line by hand before reconcile ever ran.
    try root.append("passwd", "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n")
    try root.append("shadow", "alice:!:20000:0:99999:7:::\n")
    try root.append("group", "alice:x:1000:\n")
    try root.append("gshadow", "alice:!::\n")
    try root.append("subuid", "alice:100000:65536\n")
    try root.append("subgid", "alice:100000:65536\n")
    try root.provideHomesAndShells()
    let before = try ScratchRoot.files.map { try root.status($0.name) }

    // Validate what is declared, as the plugin will before any change.
    let defs = try AccountFiles(root: root.path).loginDefs()
    for user in Self.exampleUsers() {
      #expect(AccountRules.nameProblem(user.name, kind: .user) == nil)
      #expect(AccountRules.fieldProblem(user.comment, field: "comment") == nil)
      #expect(AccountRules.pathProblem(user.home, field: "home") == nil)
    }

    let tools = ShadowUtils(root: root.path)
    try runner.run(tools.addGroup("bitcoin", system: true))
    for user in Self.exampleUsers() { try runner.run(tools.addUser(user)) }

    // Subordinate IDs for matrix, clear of alice's hand-made line.
    let accounts = try AccountFiles(root: root.path).read()
    let subids = try SubordinateIDFiles(root: root.path)
    let uids = Dictionary(uniqueKeysWithValues: accounts.passwd.entries.map { ($0.name, $0.uid) })
    let gids = Dictionary(uniqueKeysWithValues: accounts.group.entries.map { ($0.name, $0.gid) })
    let subuid = try SubordinateRangeAllocator(existing: subids.subuid().ranges, realIDs: uids)
      .allocate([.init(user: "matrix")])
    let subgid = try SubordinateRangeAllocator(
      existing: subids.subgid().ranges, realIDs: gids,
      file: "/etc/subgid"
    ).allocate([.init(user: "matrix")])
    #expect(subuid[0].ranges == [SubordinateRange(owner: "matrix", start: 165536, count: 65536)])
    let command = try #require(
      tools.addSubordinateIDs(
        "matrix",
        uids: subuid[0].ranges[0].ids, gids: subgid[0].ranges[0].ids))
    try runner.run(command)

    // What the files now say.
    let after = try AccountFiles(root: root.path).read()
    #expect(after.problems.isEmpty, "\(after.problems)")
    for user in Self.exampleUsers() {
      let entry = try #require(after.passwd.entry(named: user.name))
      #expect(defs.systemUIDs.contains(entry.uid), "\(entry)")
      #expect(entry.shell == "/usr/sbin/nologin" && entry.home == user.home)
      #expect(entry.comment == user.comment)
      #expect(after.shadow.entry(named: user.name)?.isLocked == false)
      let primary = try #require(after.group.entries.first { $0.gid == entry.gid })
      #expect(primary.name == user.name)
    }
    #expect(after.group.entry(named: "debian-tor")?.members == ["bitcoin"])
    #expect(after.gshadow.entry(named: "debian-tor")?.members == ["bitcoin"])
    #expect(after.supplementaryGroups(of: "lightning") == ["bitcoin"])
    #expect(try root.read("subuid") == "alice:100000:65536\nmatrix:165536:65536\n")
    #expect(try root.read("subgid") == "alice:100000:65536\nmatrix:165536:65536\n")
    #expect(
      after.passwd.entry(named: "alice")
        == PasswdEntry(
          name: "alice", uid: 1000, gid: 1000, comment: "Alice", home: "/home/alice",
          shell: "/bin/bash"))
    // Homes were created and belong to their users.
    let home = try Descriptor.open(root.path + "/var/lib", flags: O_RDONLY | O_DIRECTORY)
      .status(of: "matrix")
    #expect(home.uid == after.passwd.entry(named: "matrix")?.uid)

    // Owners and modes are those of the fixture (shadow stays 0640 root:shadow).
    for (file, old) in zip(ScratchRoot.files, before) {
      let new = try root.status(file.name)
      #expect((new.uid, new.gid, new.mode) == (old.uid, old.gid, old.mode), "\(file.name)")
      #expect((new.uid, new.gid, new.mode) == (file.uid, file.gid, UInt32(file.mode)))
    }

    // shadow-utils' own consistency checks pass on the result.
    let pwck = try root.run(["/usr/sbin/pwck", "-r", "-R", root.path])
    #expect(pwck.status == 0, "\(pwck.output)")
    let grpck = try root.run(["/usr/sbin/grpck", "-r", "-R", root.path])
    #expect(grpck.status == 0, "\(grpck.output)")

    // Planning again keeps matrix's range where it is.
    let again = try SubordinateRangeAllocator(existing: subids.subuid().ranges, realIDs: uids)
      .allocate([.init(user: "matrix")])
    #expect(again[0].isNew == false && again[0].ranges == subuid[0].ranges)
  }

  @Test("Locking keeps the home; memberships come and go; deleting keeps the home")
  func lockAndRemove() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    let tools = ShadowUtils(root: root.path)
    try runner.run(tools.addGroup("bitcoin", system: true))
    try runner.run(tools.addUser(Self.exampleUsers()[0]))

    try runner.run(tools.lock("bitcoin"))
    #expect(try AccountFiles(root: root.path).shadow().entry(named: "bitcoin")?.isLocked == true)
    try runner.run(tools.unlock("bitcoin"))
    #expect(try AccountFiles(root: root.path).shadow().entry(named: "bitcoin")?.isLocked == false)

    try runner.run(tools.removeMember("bitcoin", from: "debian-tor"))
    var group = try AccountFiles(root: root.path).group()
    #expect(group.entry(named: "debian-tor")?.members == [])
    try runner.run(tools.addMember("bitcoin", to: "debian-tor"))
    group = try AccountFiles(root: root.path).group()
    #expect(group.entry(named: "debian-tor")?.members == ["bitcoin"])

    try runner.run(tools.deleteUser("bitcoin"))
    #expect(try AccountFiles(root: root.path).passwd().entry(named: "bitcoin") == nil)
    #expect(FileManager.default.fileExists(atPath: root.path + "/var/lib/bitcoin"))
  }

  @Test("A failing command is reported with its command line and stderr")
  func failure() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    let tools = ShadowUtils(root: root.path)
    let user = ShadowUtils.NewUser(
      name: "orphan", system: true, primaryGroup: "no-such-group",
      home: "/nonexistent")
    #expect {
      try runner.run(tools.addUser(user))
    } throws: { error in
      "\(error)" == "`useradd --prefix \(root.path) --system -g no-such-group -d /nonexistent "
        + "-s /usr/sbin/nologin -c '' -M -- orphan` failed with exit status 6: useradd: group "
        + "'no-such-group' does not exist"
    }
    #expect(try AccountFiles(root: root.path).passwd().entry(named: "orphan") == nil)

    let missing = ShadowCommand("/usr/sbin/no-such-tool", [])
    #expect {
      try runner.run(missing)
    } throws: { error in
      "\(error)" == "`no-such-tool` failed: posix_spawn(/usr/sbin/no-such-tool): "
        + "No such file or directory"
    }
  }
}
