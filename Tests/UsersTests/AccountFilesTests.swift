import Foundation
import Testing

@testable import Core
@testable import Users

@Suite("Reading the account files")
struct AccountFilesTests {
  @Test("Debian 12's files parse completely, with nothing lost")
  func debianFiles() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    let accounts = try AccountFiles(root: root.path).read()

    #expect(accounts.problems.isEmpty, "\(accounts.problems)")
    #expect(accounts.passwd.entries.count == 20)
    #expect(accounts.passwd.entry(named: "root")?.uid == 0)
    #expect(accounts.passwd.entry(named: "nobody")?.uid == 65534)
    #expect(accounts.passwd.entry(named: "list")?.comment == "Mailing List Manager")
    #expect(accounts.group.entry(named: "debian-tor")?.gid == 107)
    #expect(accounts.gshadow.entry(named: "debian-tor")?.members == [])
    #expect(accounts.shadow.entries.count == accounts.passwd.entries.count)

    // The tables give back the files byte for byte, and each entry renders its own line.
    #expect(accounts.passwd.text == (try root.read("passwd")))
    #expect(accounts.group.text == (try root.read("group")))
    #expect(accounts.passwd.lineNumbers.count == accounts.passwd.entries.count)
    for (entry, line) in zip(accounts.passwd.entries, accounts.passwd.lineNumbers) {
      #expect(entry.line == accounts.passwd.lines?[line - 1])
    }
    #expect(accounts.group.lineNumbers.count == accounts.group.entries.count)
    for (entry, line) in zip(accounts.group.entries, accounts.group.lineNumbers) {
      #expect(entry.line == accounts.group.lines?[line - 1])
    }
  }

  @Test("Shadow keeps lock state but no password text")
  func shadowSecrets() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    let hash = "$y$j9T$abcdefghijklmnop$0123456789abcdefghijklmnopqrstuvwxyzABCDE"
    try root.append(
      "shadow", "alice:\(hash):20000:0:99999:7:::\nbob:!\(hash):20000:0:99999:7::1:\n")
    try root.append("shadow", "carol:\(hash):20000\n")
    let shadow = try AccountFiles(root: root.path).shadow()

    #expect(shadow.lines == nil)
    #expect(shadow.text == nil)
    let alice = try #require(shadow.entry(named: "alice"))
    #expect(alice.hasPassword && !alice.passwordLocked && !alice.isLocked)
    let bob = try #require(shadow.entry(named: "bob"))
    #expect(bob.passwordLocked && bob.isLocked && bob.expirationDay == 1)
    let messagebus = try #require(shadow.entry(named: "messagebus"))  // "!" on Debian
    #expect(messagebus.passwordLocked && !messagebus.hasPassword && !messagebus.isLocked)
    #expect(shadow.entry(named: "root")?.passwordLocked == false)

    // The malformed line is reported by position, and no message quotes the hash.
    #expect(shadow.problems.count == 1)
    #expect(
      shadow.problems.first?.position == SourcePosition(file: "/etc/shadow", line: 23, column: 1))
    let everything = "\(shadow)" + shadow.problems.map(\.description).joined()
    #expect(!everything.contains("abcdefghijklmnop"))
  }

  @Test("A malformed line is reported with file, line and column, and the rest still parses")
  func malformedLines() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    try root.append("passwd", "bad:x:12a:1::/:/bin/sh\nshort:x:1\n\nroot:x:5:5::/:/bin/sh\n")
    try root.append("group", "huge:x:4294967296:\n")
    let accounts = try AccountFiles(root: root.path).read()

    let messages = accounts.problems.map(\.description)
    #expect(
      messages == [
        "/etc/passwd:21:7: error: the UID '12a' is not a number from 0 to 4294967295",
        "/etc/passwd:22:1: error: line has 3 fields where /etc/passwd has 7 "
          + "(NAME:PASSWORD:UID:GID:COMMENT:HOME:SHELL)",
        "/etc/passwd:24:1: error: 'root' is listed again; its first line is 1",
        "/etc/group:43:8: error: the GID '4294967296' is not a number from 0 to 4294967295",
      ])
    #expect(accounts.passwd.entries.count == 20)
    #expect(accounts.passwd.entry(named: "root")?.uid == 0)
    // Lossless: the bad lines are still in the text.
    #expect(accounts.passwd.text == (try root.read("passwd")))
  }

  @Test("login.defs gives its ranges, and Debian's defaults where a key is absent")
  func loginDefs() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    var defs = try AccountFiles(root: root.path).loginDefs()
    #expect(defs.problems.isEmpty)
    #expect(defs.systemUIDs == 100...999)  // commented out in Debian's file
    #expect(defs.regularUIDs == 1000...60000)
    #expect(defs.regularGIDs == 1000...60000)

    try root.append("login.defs", "SYS_UID_MIN\t200\n  SYS_UID_MAX 0x1F3  \nSYS_GID_MAX many\n")
    defs = try AccountFiles(root: root.path).loginDefs()
    #expect(defs.systemUIDs == 200...499)
    #expect(defs.systemGIDs == 100...999)
    let lastLine = try root.read("login.defs").filter { $0 == "\n" }.count
    #expect(
      defs.problems.map(\.description) == [
        "/etc/login.defs:\(lastLine):1: error: SYS_GID_MAX is 'many', not a number; using 999"
      ])

    try FileManager.default.removeItem(atPath: root.path + "/etc/login.defs")
    #expect(try AccountFiles(root: root.path).loginDefs() == .debianDefaults)
  }

  @Test("A symlinked account file is refused, not followed")
  func symlinkRefused() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    try FileManager.default.removeItem(atPath: root.path + "/etc/shadow")
    try FileManager.default.createSymbolicLink(
      atPath: root.path + "/etc/shadow", withDestinationPath: "/etc/shadow")
    #expect {
      try AccountFiles(root: root.path).shadow()
    } throws: { error in
      "\(error)"
        == "could not read \(root.path)/etc/shadow: is a symlink; reconcile does not follow symlinks"
    }

    // A symlinked /etc directory is refused too.
    let other = try ScratchRoot(empty: true)
    defer { other.remove() }
    try FileManager.default.removeItem(atPath: other.path + "/etc")
    try FileManager.default.createSymbolicLink(
      atPath: other.path + "/etc", withDestinationPath: "/etc")
    #expect {
      try AccountFiles(root: other.path).passwd()
    } throws: { error in
      "\(error)"
        == "could not read \(other.path)/etc/passwd: crosses a symlink or non-folder at 'etc'; "
        + "refusing to follow it"
    }
  }

  @Test("Missing files read as empty tables")
  func missingFiles() throws {
    let root = try ScratchRoot(empty: true)
    defer { root.remove() }
    let accounts = try AccountFiles(root: root.path).read()
    #expect(!accounts.passwd.exists && accounts.passwd.entries.isEmpty)
    #expect(!accounts.gshadow.exists)
    #expect(accounts.loginDefs == .debianDefaults)
  }
}

@Suite("Looking up accounts by name")
struct AccountLookupTests {
  @Test("every lookup finds the first entry of a name, in the table and in its copies")
  func lookups() throws {
    var text = ""
    for i in 0..<500 { text += "u\(i):x:\(10_000 + i):\(10_000 + i)::/home/u\(i):/bin/sh\n" }
    // A name given twice (reported as a problem): the first counts, as it did.
    text += "u7:x:99999:99999::/elsewhere:/bin/sh\n"
    let table = AccountTable<PasswdEntry>.parse(Array(text.utf8))
    #expect(table.entry(named: "u7")?.uid == 10_007)
    for i in stride(from: 499, through: 0, by: -7) {
      #expect(table.entry(named: "u\(i)")?.uid == UInt32(10_000 + i))
    }
    #expect(table.entry(named: "u7")?.home == "/home/u7")
    #expect(table.entry(named: "nobody") == nil)
    let copy = table
    #expect(copy.entry(named: "u499")?.uid == 10_499)
    #expect(AccountTable<PasswdEntry>.missing.entry(named: "u1") == nil)
  }
}

@Suite("Account tables shared while observing")
struct AccountTableCacheTests {
  @Test(
    "with a host's shared tables passwd and group are parsed once; shadow, and reads without them, see the files as they are"
  )
  func sharedOnce() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    var host = try offlineHost(root)
    #expect(try AccountFiles(host: host).passwd().entries.count == 20)  // no shared tables: read
    host.accountTables = AccountTableCache()
    let observing = AccountFiles(host: host)
    let passwd = try observing.passwd()
    let group = try observing.group()
    #expect(try observing.shadow().entry(named: "alice") == nil)

    try root.append("passwd", "alice:x:1000:1000::/home/alice:/bin/bash\n")
    try root.append("group", "alice:x:1000:\n")
    try root.append("shadow", "alice:!:20000:0:99999:7:::\n")
    // The same observation (another plugin, another AccountFiles) keeps what it parsed.
    let again = AccountFiles(host: host)
    #expect(try again.passwd().entries == passwd.entries)
    #expect(try again.passwd().entry(named: "alice") == nil)
    #expect(try again.group().entries == group.entries)
    // Files with secrets are never kept; without shared tables every read is fresh.
    #expect(try again.shadow().entry(named: "alice")?.passwordLocked == true)
    #expect(try AccountFiles(fs: host.fs).passwd().entry(named: "alice")?.uid == 1000)
    host.accountTables = AccountTableCache()
    #expect(try AccountFiles(host: host).group().entry(named: "alice")?.gid == 1000)
  }
}

@Suite("Observed accounts indexed from the tables")
struct ObservedAccountsIndexTests {
  @Test("an observation indexed as its tables are finds what a decoded snapshot finds, a repeated name included")
  func sameAsSnapshot() throws {
    let root = try ScratchRoot()
    defer { root.remove() }
    try root.append("passwd", "alice:x:1000:1000::/home/alice:/bin/bash\nalice:x:1001:1001::/x:/bin/sh\n")
    try root.append("group", "alice:x:1000:\nstaff2:x:1000:alice\nalice:x:1002:\n")
    let host = try offlineHost(root)
    let observed = try UsersPlugin().observe(DesiredAccounts(), ledger: Ledger(), host: host)
    let decoded = try JSONDecoder().decode(
      ObservedAccounts.self, from: try JSONEncoder().encode(observed))
    let names = Set(observed.users.map(\.name) + observed.groups.map(\.name) + ["nobody", "zed"])
    for name in names {
      #expect(observed.user(name) == decoded.user(name), "\(name)")
      #expect(observed.group(name) == decoded.group(name), "\(name)")
      #expect(observed.hasUser(name) == decoded.hasUser(name))
      #expect(observed.hasGroup(name) == decoded.hasGroup(name))
    }
    #expect(observed.user("alice")?.uid == 1000)
    #expect(observed.group("alice")?.gid == 1000)
    #expect(observed.groupName(1000) == decoded.groupName(1000))
    #expect(observed.supplementaryGroups(of: "alice") == ["staff2"])
  }
}

/// A host that is not live, over `root`.
private func offlineHost(_ root: ScratchRoot) throws -> Core.Host {
  Host(
    fs: try RootedFileSystem(root: root.path),
    facts: HostFacts(name: "test", live: false, stateDirectory: HostPath("/var/lib/reconcile")!))
}
