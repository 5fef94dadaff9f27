import Core
import Foundation
import Linger
import Subids
import SystemCalls
import TestSupport
import Testing
import Units
import Users

/// An ID the plan picked for a new account is taken by hand (`groupadd`, `useradd`) before
/// the apply: the account is made with a fresh ID, the hand-made accounts are untouched,
/// and the next plan is empty. Real shadow-utils on a scratch root; the "hand" is run
/// between the engine's plan and its apply, where a concurrent admin would be.
@Suite("IDs taken between plan and apply", .enabled(if: getuid() == 0, "shadow-utils needs root"))
struct IDClashTests {
  let scratch: ScratchDirectory
  let harness: EngineHarness

  init() throws {
    scratch = try ScratchDirectory("idclash")
    harness = try .accountsOnExample(in: scratch)
  }

  /// The number after `prefix` in the diff of the change at `address`.
  func planned(_ plan: Plan, _ address: Address, _ prefix: String) throws -> UInt32 {
    let change = try #require(plan.changes.first { $0.address == address })
    let line = try #require(change.diff.first { $0.hasPrefix(prefix) })
    return try #require(UInt32(line.dropFirst(prefix.count)))
  }

  func shadow(_ arguments: [String]) throws {
    let result = try TestCommand.run(["/usr/sbin/" + arguments[0], "--prefix", harness.root] + arguments.dropFirst())
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
  }

  @Test("a planned GID and UID taken by hand: fresh IDs, hand accounts kept, next plan empty")
  func takenByHand() throws {
    let fs = try harness.fileSystem()
    let previous = try Ledger.load(from: fs, stateDirectory: harness.stateDirectory)
    let host = Host(
      fs: fs,
      facts: HostFacts(
        name: "gemini", live: false, liveUnavailableReason: nil,
        stateDirectory: harness.stateDirectory))
    let plan = try harness.engine.plan(try harness.load(), host: host, ledger: previous)
    let gid = try planned(plan, Address("group", "report"), "+gid: ")
    let uid = try planned(plan, Address("user", "report"), "+uid: ")

    // Meanwhile, by hand: a group on the planned GID, a user on the planned UID.
    try shadow(["groupadd", "-g", String(gid), "handgroup"])
    try shadow(["useradd", "-r", "-M", "-u", String(uid), "-g", "handgroup", "handuser"])

    var ledger = previous
    let report = harness.engine.apply(plan, host: host, ledger: &ledger)
    try ledger.store(in: fs, stateDirectory: harness.stateDirectory, previous: previous)
    #expect(report.succeeded, "\(report.failed)")
    let notes = report.outcomes.compactMap(\.message).joined(separator: "\n")
    #expect(notes.contains("GID \(gid) was taken meanwhile"), "\(notes)")
    #expect(notes.contains("UID \(uid) was taken meanwhile"), "\(notes)")

    let accounts = try AccountFiles(fs: fs).read()
    let group = try #require(accounts.group.entry(named: "report"))
    let user = try #require(accounts.passwd.entry(named: "report"))
    #expect(group.gid != gid && user.uid != uid)
    #expect(user.gid == group.gid, "the user's primary group is its own")
    #expect(accounts.group.entry(named: "handgroup")?.gid == gid)
    #expect(accounts.passwd.entry(named: "handuser")?.uid == uid)
    #expect(Set(accounts.group.entries.map(\.gid)).count == accounts.group.entries.count)
    #expect(Set(accounts.passwd.entries.map(\.uid)).count == accounts.passwd.entries.count)
    #expect(try harness.plan().changes.isEmpty, "the ledger records the IDs the accounts got")
  }
}
