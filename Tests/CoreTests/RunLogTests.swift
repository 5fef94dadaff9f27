import Foundation
import TestSupport
import Testing

@testable import Core

@Suite struct RunLogTests {
  static func record(changes: Int, message: String? = nil) -> RunRecord {
    let plan = Plan(
      host: "bench", source: "/srv/state",
      changes: (0..<changes).map {
        Change(
          address: Address("unit", "job\($0).service"), action: .create, cause: .new,
          plugin: "units", summary: "install")
      })
    let report = ApplyReport(
      outcomes: plan.changes.map {
        ChangeOutcome(change: $0, status: .applied, message: message ?? "a \"quoted\" / note")
      }, error: nil, duration: 1.5)
    return RunRecord(
      time: 1_764_000_000.25, host: "bench", commit: nil, source: "/srv/state", report: report,
      errors: ["one \u{1F642}"])
  }

  @Test(arguments: [0, 1, 3])
  func aRecordEncodedChangeByChangeIsWhatJSONEncoderWrites(changes: Int) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let record = Self.record(changes: changes)
    let bytes = try RunLog.encode(record, with: encoder)
    let whole = try encoder.encode(record)
    #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: whole, as: UTF8.self))
  }

  @Test func appendKeepsEarlierRecordsAndDropsLinesThatAreNoRecord() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let log = RunLog(fs: fs, stateDirectory: HostPath("/var/lib/reconcile")!)
    try log.append(Self.record(changes: 2, message: "first"))
    let file = "var/lib/reconcile/runs.jsonl"
    try scratch.write(file, try scratch.read(file) + "torn {\"ch\n")
    try log.append(Self.record(changes: 1, message: "second"))
    let records = try log.records()
    #expect(records.map(\.changes.count) == [2, 1])
    #expect(records.map { $0.changes.first?.message } == ["first", "second"])
    #expect(records.map { $0.changes.first?.plugin } == ["units", "units"])
    #expect(try scratch.read("var/lib/reconcile/runs.jsonl").split(separator: "\n").count == 2)
  }

  @Test func appendDropsTheOldestRecordsBeyondTheSizeBoundButKeepsTheNewest() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let log = RunLog(fs: fs, stateDirectory: HostPath("/var/lib/reconcile")!)
    // Three changes with this message make a record larger than the bound by itself.
    let large = String(repeating: "x", count: RunLog.maximumBytes / 3 + 1)
    try log.append(Self.record(changes: 1, message: "first"))
    try log.append(Self.record(changes: 2, message: "second"))
    #expect(try log.records().map { $0.changes.first?.message } == ["first", "second"])
    try log.append(Self.record(changes: 3, message: large))
    #expect(try log.records().map(\.changes.count) == [3])
    try log.append(Self.record(changes: 1, message: "fourth"))
    #expect(try log.records().map { $0.changes.first?.message } == ["fourth"])
  }
}
