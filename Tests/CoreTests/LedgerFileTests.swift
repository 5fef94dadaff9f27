import Core
import Foundation
import TestSupport
import Testing

@Suite struct LedgerFileTests {
  static let state = HostPath("/var/lib/reconcile")!

  /// A ledger as the previous version wrote it (version 1: `JSONEncoder`, pretty-printed,
  /// sorted keys, entries keyed by address), taken from a converged benchmark root, with an
  /// interrupted entry and escapes added.
  static let versionOne = #"""
    {
      "entries" : {
        "drop-in:job00003.service/50-reconcile-hardening.conf" : {
          "applied" : "sha256:e7291bb9fc9ffd2eefa9459b44f972f434128563fe89d15b4c425c707abb59a4",
          "created" : true,
          "declared" : "sha256:e7291bb9fc9ffd2eefa9459b44f972f434128563fe89d15b4c425c707abb59a4",
          "facts" : {
            "path" : "/etc/systemd/system/job00003.service.d/50-reconcile-hardening.conf"
          },
          "plugin" : "units"
        },
        "group:u00001" : {
          "applied" : "gid=9999",
          "created" : true,
          "declared" : "gid=auto system=true adopt=false",
          "facts" : {
            "gid" : "9999"
          },
          "plugin" : "users"
        },
        "unit:job00002.service" : {
          "applied" : "",
          "created" : true,
          "declared" : "",
          "facts" : {

          },
          "interrupted" : true,
          "plugin" : "units"
        },
        "user:u00001" : {
          "applied" : "group=u00001 home=/var/lib/u00001 comment=Benchmark \"user\" 1\\\u00e9",
          "created" : false,
          "declared" : "uid=auto group=u00001 comment=Benchmark \"user\" 1\\\u00e9 adopt=true",
          "facts" : {
            "remove" : "lock",
            "uid" : "9999"
          },
          "plugin" : "users"
        }
      },
      "memory" : {
        "users" : {
          "gid:9999" : "u00001",
          "uid:9999" : "u00001"
        }
      },
      "version" : 1
    }

    """#

  static var versionOneContents: Ledger {
    var ledger = Ledger()
    let hash = "sha256:e7291bb9fc9ffd2eefa9459b44f972f434128563fe89d15b4c425c707abb59a4"
    ledger[Address("drop-in", "job00003.service/50-reconcile-hardening.conf")] = .init(
      plugin: "units", applied: hash, declared: hash, created: true,
      facts: ["path": "/etc/systemd/system/job00003.service.d/50-reconcile-hardening.conf"])
    ledger[Address("group", "u00001")] = .init(
      plugin: "users", applied: "gid=9999", declared: "gid=auto system=true adopt=false",
      created: true, facts: ["gid": "9999"])
    ledger[Address("unit", "job00002.service")] = .interrupted(plugin: "units")
    ledger[Address("user", "u00001")] = .init(
      plugin: "users",
      applied: "group=u00001 home=/var/lib/u00001 comment=Benchmark \"user\" 1\\é",
      declared: "uid=auto group=u00001 comment=Benchmark \"user\" 1\\é adopt=true",
      created: false, facts: ["remove": "lock", "uid": "9999"])
    ledger.memory["users"] = ["gid:9999": "u00001", "uid:9999": "u00001"]
    return ledger
  }

  @Test func aVersionOneLedgerLoadsAndTheNextWriteMigratesIt() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("var/lib/reconcile/ledger.json", Self.versionOne)
    let fs = try RootedFileSystem(root: scratch.path)
    let old = try Ledger.load(from: fs, stateDirectory: Self.state)
    #expect(old.version == 1)
    #expect(old.entries == Self.versionOneContents.entries)
    #expect(old.memory == Self.versionOneContents.memory)

    // Nothing changed: nothing is written, the old file stays.
    try old.store(in: fs, stateDirectory: Self.state, previous: old)
    #expect(try scratch.read("var/lib/reconcile/ledger.json") == Self.versionOne)

    var changed = old
    changed[Address("unit", "job00002.service")] = nil
    try changed.store(in: fs, stateDirectory: Self.state, previous: old)
    let text = try scratch.read("var/lib/reconcile/ledger.json")
    #expect(text.hasPrefix(#"{"version":2,"#))
    #expect(text.utf8.count < Self.versionOne.utf8.count * 2 / 3, "\(text)")
    let migrated = try Ledger.load(from: fs, stateDirectory: Self.state)
    #expect(migrated.version == Ledger.currentVersion)
    #expect(migrated.entries == changed.entries && migrated.memory == changed.memory)
    // Still JSON, for jq and for the crash tests' check.
    #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
  }

  @Test func everyStringAndEntryShapeSurvivesARoundTrip() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    var ledger = Self.versionOneContents
    let awkward =
      "quote \" backslash \\ slash / newline \n tab \t bell \u{07} nul \u{00} é 🙂 \u{7F}"
    ledger[Address("unit", "awkward.service")] = .init(
      plugin: "units", applied: awkward, declared: awkward + "!", created: false,
      facts: [awkward: awkward, "": ""])
    ledger[Address("unit", "empty.service")] = .init(
      plugin: "units", applied: "", declared: "x", created: true)
    ledger.memory["empty"] = [:]
    ledger.memory["subids"] = ["range:\u{1F642}": awkward]
    try ledger.store(in: fs, stateDirectory: Self.state, previous: nil)
    let loaded = try Ledger.load(from: fs, stateDirectory: Self.state)
    #expect(loaded.entries == ledger.entries)
    #expect(loaded.memory == ledger.memory)
    let path = scratch.join("var/lib/reconcile/ledger.json")
    let data = try #require(FileManager.default.contents(atPath: path))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let entries = try #require(object["entries"] as? [[String: Any]])
    let entry = try #require(entries.first { $0["address"] as? String == "unit:awkward.service" })
    #expect(entry["applied"] as? String == awkward)
    #expect(entry["declared"] as? String == awkward + "!")
    // Written again unchanged, the file is byte for byte the same (sorted, deterministic)
    // but for its generation, new at every write.
    let first = try scratch.read("var/lib/reconcile/ledger.json")
    try loaded.store(in: fs, stateDirectory: Self.state, previous: nil)
    let second = try scratch.read("var/lib/reconcile/ledger.json")
    #expect(second != first)
    #expect(Self.withoutGeneration(second) == Self.withoutGeneration(first))
  }

  /// A ledger larger than one piece of the streamed write (64 KiB) comes back whole, every
  /// entry once and in order.
  @Test func aLedgerOfManyPiecesSurvivesARoundTrip() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    var ledger = Ledger()
    for i in 0..<3000 {
      let name = "job\(i).service"
      ledger[Address("unit", name)] = .init(
        plugin: "units", applied: "sha256:\(String(repeating: "0", count: 64))", declared: "d\(i)",
        created: true, facts: ["path": "/etc/systemd/system/\(name)"])
    }
    try ledger.store(in: fs, stateDirectory: Self.state, previous: nil)
    let text = try scratch.read("var/lib/reconcile/ledger.json")
    #expect(text.utf8.count > 3 * 65536)
    #expect(try Ledger.load(from: fs, stateDirectory: Self.state).entries == ledger.entries)
    let addresses = text.split(separator: "\n").filter { $0.hasPrefix(#"{"address":"#) }
    #expect(addresses.count == 3000)
    #expect(text.hasSuffix("\n]}\n"))
  }

  /// `text` without its `"generation":"…",` member.
  static func withoutGeneration(_ text: String) -> String {
    text.replacingOccurrences(
      of: #""generation":"[0-9a-f]{32}","#, with: "", options: .regularExpression)
  }

  @Test(arguments: [
    #"{"version":2,"memory":{},"entries":["#,
    #"{"version":3,"memory":{},"entries":[]}"#,
    #"{"memory":{},"entries":[]}"#,
    #"{"version":2,"memory":{},"entries":[{"address":"unit:a","applied":"","created":true}]}"#,
    #"{"version":2,"memory":{},"entries":[{"plugin":"units","applied":"","created":true}]}"#,
    #"{"version":2,"memory":{},"entries":[]} x"#,
    #"{"version":2,"memory":{},"entries":[{"address":"a\q","plugin":"u","applied":"","#
      + #""created":true}]}"#,
    "{\"version\":2,\"memory\":{\"u\":{\"a\":\"\u{01}\"}},\"entries\":[]}",
  ])
  func aDamagedLedgerIsRefusedWithItsPath(text: String) throws {
    let scratch = try ScratchDirectory()
    try scratch.write("var/lib/reconcile/ledger.json", text)
    let fs = try RootedFileSystem(root: scratch.path)
    let error = try #require(throws: FileSystemError.self) {
      try Ledger.load(from: fs, stateDirectory: Self.state)
    }
    #expect("\(error)".contains("ledger.json"), "\(error)")
  }

  @Test func bytesThatAreNotUTF8AreRefused() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let bytes =
      Array(#"{"version":2,"memory":{"u":{"a":""#.utf8) + [0xC3, 0x28]
      + Array(#""}},"entries":[]}"#.utf8)
    try fs.write(Self.state.child("ledger.json"), bytes, mode: 0o600)
    #expect(throws: FileSystemError.self) { try Ledger.load(from: fs, stateDirectory: Self.state) }
  }
}
