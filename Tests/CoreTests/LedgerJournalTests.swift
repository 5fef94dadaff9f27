import Core
import Foundation
import TestSupport
import Testing

/// The checkpoint journal beside the ledger: what a run killed after announcing creations
/// leaves, what the next run makes of it, and what it ignores.
@Suite struct LedgerJournalTests {
  static let state = HostPath("/var/lib/reconcile")!
  static let journal = "var/lib/reconcile/ledger.journal"
  static let user = Address("user", "u00001")
  static let unit = Address("unit", "job00001.service")

  static var final: Ledger {
    var ledger = Ledger()
    ledger[user] = .init(plugin: "users", applied: "uid=9999", declared: "uid=auto", created: true)
    ledger.memory["users"] = ["uid:9999": "u00001"]
    return ledger
  }

  @Test func aKilledFirstRunsJournalIsReplayedAsInterruptedEntries() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    // A first apply into an empty root: no ledger yet. It announces two creations, then is
    // killed before its final ledger write.
    let (empty, journal) = try Ledger.open(from: fs, stateDirectory: Self.state)
    #expect(empty.entries.isEmpty && !journal.replayed && !journal.stale)
    #expect(!FileManager.default.fileExists(atPath: scratch.join(Self.journal)))
    try journal.removeStale()
    try journal.record(Self.user, plugin: "users")
    try journal.record(Self.unit, plugin: "units")

    let attributes = try FileManager.default.attributesOfItem(atPath: scratch.join(Self.journal))
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try scratch.read(Self.journal).split(separator: "\n").count == 3)

    let (replayed, next) = try Ledger.open(from: fs, stateDirectory: Self.state)
    #expect(next.replayed && !next.stale)
    #expect(replayed[Self.user] == .interrupted(plugin: "users"))
    #expect(replayed[Self.unit] == .interrupted(plugin: "units"))
    #expect(replayed.entries.count == 2)

    // The next run appends to the same journal while its ledger is still the same.
    try next.record(Address("group", "u00001"), plugin: "users")
    #expect(try Ledger.load(from: fs, stateDirectory: Self.state).entries.count == 3)

    // Its final write, then the journal's removal: the ledger alone remains.
    try Self.final.store(in: fs, stateDirectory: Self.state, previous: nil)
    try next.remove()
    #expect(!FileManager.default.fileExists(atPath: scratch.join(Self.journal)))
    #expect(try Ledger.load(from: fs, stateDirectory: Self.state) == Self.final)
  }

  @Test func aJournalOfAnOlderLedgerIsIgnoredAndRemoved() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    try Ledger().store(in: fs, stateDirectory: Self.state, previous: nil)
    let (_, journal) = try Ledger.open(from: fs, stateDirectory: Self.state)
    try journal.record(Self.user, plugin: "users")
    // The run's final write makes the entry final; the run is killed before the journal goes.
    try Self.final.store(in: fs, stateDirectory: Self.state, previous: nil)

    let (loaded, stale) = try Ledger.open(from: fs, stateDirectory: Self.state)
    #expect(stale.stale && !stale.replayed)
    #expect(loaded == Self.final, "the interrupted marker must not come back over the final entry")
    // Read-only commands leave it; apply removes it under its lock.
    #expect(FileManager.default.fileExists(atPath: scratch.join(Self.journal)))
    try stale.removeStale()
    #expect(!FileManager.default.fileExists(atPath: scratch.join(Self.journal)))
    #expect(try Ledger.load(from: fs, stateDirectory: Self.state) == Self.final)
  }

  @Test func aTornLastLineIsIgnored() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let (_, journal) = try Ledger.open(from: fs, stateDirectory: Self.state)
    try journal.record(Self.user, plugin: "users")
    let handle = try #require(FileHandle(forWritingAtPath: scratch.join(Self.journal)))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"address":"unit:job00001.service","plu"#.utf8))
    handle.closeFile()

    let loaded = try Ledger.load(from: fs, stateDirectory: Self.state)
    #expect(loaded.entries == [Self.user.description: .interrupted(plugin: "users")])
  }

  @Test func aJournalWithoutACompleteHeaderIsStale() throws {
    let scratch = try ScratchDirectory()
    // Killed right after creating the journal, or in its first write: nothing was created yet.
    for text in ["", #"{"journal":1,"led"#] {
      try scratch.write(Self.journal, text, mode: 0o600)
      let (loaded, journal) = try Ledger.open(
        from: RootedFileSystem(root: scratch.path), stateDirectory: Self.state)
      #expect(loaded.entries.isEmpty && journal.stale, "\(text)")
    }
  }

  @Test func aDamagedLineInTheMiddleIsRefusedWithThePath() throws {
    let scratch = try ScratchDirectory()
    let text = #"""
      {"journal":1,"ledger":""}
      {"address":1}
      {"address":"a","plugin":"b"}

      """#
    try scratch.write(Self.journal, text, mode: 0o600)
    let error = try #require(throws: FileSystemError.self) {
      try Ledger.load(from: RootedFileSystem(root: scratch.path), stateDirectory: Self.state)
    }
    #expect("\(error)".contains("ledger.journal"), "\(error)")
  }

  @Test func aSymlinkInThePlaceOfTheJournalIsNeverFollowed() throws {
    let scratch = try ScratchDirectory()
    let canary = scratch.join("canary")
    try scratch.write("canary", "canary")
    _ = try scratch.sub("var/lib/reconcile")
    let fs = try RootedFileSystem(root: scratch.path)
    let (_, journal) = try Ledger.open(from: fs, stateDirectory: Self.state)
    // Planted after the run read its ledger (reconcile's own folder is root-only, so only
    // root could; still, never followed).
    try FileManager.default.createSymbolicLink(
      atPath: scratch.join(Self.journal), withDestinationPath: canary)
    #expect(throws: FileSystemError.self) { try journal.record(Self.user, plugin: "users") }
    #expect(try scratch.read("canary") == "canary")
    // Read back, it is refused too.
    #expect(throws: FileSystemError.self) { try Ledger.open(from: fs, stateDirectory: Self.state) }
  }
}
