import ArgumentParser
import Core
import FoundationEssentials

/// `reconcile status`: is the host in the state of the repository?
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show the last run, the applied commit, pending changes, drift and source freshness.",
    discussion: "Plans (changing nothing) to count what is pending. Exit codes as for plan.")

  @OptionGroup var options: HostOptions

  func run() throws {
    let session = try Session(options: options)
    let loaded = try session.load()
    let plan = try session.plan(loaded, ledger: try session.ledger())
    let records = try RunLog(fs: session.host.fs, stateDirectory: session.stateDirectory).records()
    let status = Status(
      host: session.hostName, source: session.tree.origin,
      appliedCommit: session.source.update?.previous?.hex,
      lastRun: records.last.map { Date(timeIntervalSince1970: $0.time).formatted(.iso8601) },
      lastRunSucceeded: records.last?.succeeded,
      pendingChanges: plan.changes.filter { !$0.reportOnly && $0.cause != .drift && $0.cause != .conflict }.count,
      drift: plan.changes.filter { $0.cause == .drift || $0.cause == .conflict }.map(\.address.description),
      secondsSinceFetch: session.source.fetchAge, stale: session.source.isStale, notes: plan.limitations)
    switch options.format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      Terminal.out(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
    case .text:
      Terminal.out(status.text)
    }
    let code = ExitCodes.of(plan, stale: session.source.isStale)
    if code != 0 { throw ExitCode(code) }
  }
}

/// What `status` reports.
struct Status: Encodable {
  var host: String
  var source: String
  var appliedCommit: String?
  var lastRun: String?
  var lastRunSucceeded: Bool?
  var pendingChanges: Int
  var drift: [String]
  var secondsSinceFetch: Int64?
  var stale: Bool
  var notes: [String]

  var text: String {
    var out = "host:            \(host)\n"
    out += "source:          \(source)\n"
    if let appliedCommit { out += "applied commit:  \(appliedCommit)\n" }
    out +=
      "last recorded run: \(lastRun.map { "\($0) (\(lastRunSucceeded == true ? "succeeded" : "FAILED"))" } ?? "none")\n"
    out += "pending changes: \(pendingChanges)\n"
    out += "drift:           \(drift.isEmpty ? "none" : drift.joined(separator: ", "))\n"
    if let secondsSinceFetch {
      out += "source fetched:  \(StateSource.describe(secondsSinceFetch)) ago\(stale ? " (STALE)" : "")\n"
    }
    for note in notes { out += "note: \(note)\n" }
    return out
  }
}
