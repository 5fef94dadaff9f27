import FoundationEssentials

/// reconcile's metrics in the Prometheus text exposition format, for node_exporter's
/// textfile collector. Written atomically to the configured file after every `apply`.
public struct Metrics: Sendable, Equatable {
  /// Seconds since the epoch of the last run.
  public var lastRunTime: Double
  public var lastRunSuccess: Bool
  /// Changes applied by the last run.
  public var changesApplied: Int
  /// Drift events of the last run, by module.
  public var driftByModule: [String: Int]
  /// Changes still pending after the last run (failed, skipped or reported only).
  public var pendingChanges: Int
  /// Seconds since the last successful fetch of the source (nil for a folder source).
  public var secondsSinceFetch: Double?

  public init(
    lastRunTime: Double, lastRunSuccess: Bool, changesApplied: Int, driftByModule: [String: Int],
    pendingChanges: Int, secondsSinceFetch: Double?
  ) {
    self.lastRunTime = lastRunTime
    self.lastRunSuccess = lastRunSuccess
    self.changesApplied = changesApplied
    self.driftByModule = driftByModule
    self.pendingChanges = pendingChanges
    self.secondsSinceFetch = secondsSinceFetch
  }

  /// The metrics of a run.
  public init(record: RunRecord, secondsSinceFetch: Double?) {
    var drift: [String: Int] = [:]
    for event in record.driftEvents { drift[event.plugin, default: 0] += 1 }
    self.init(
      lastRunTime: record.time, lastRunSuccess: record.succeeded,
      changesApplied: record.changes.filter { $0.outcome == .applied }.count, driftByModule: drift,
      pendingChanges: record.changes.filter { $0.outcome != .applied }.count, secondsSinceFetch: secondsSinceFetch)
  }

  /// The exposition text.
  public var text: String {
    var out = ""
    func metric(_ name: String, _ help: String, _ samples: [(String, Double)]) {
      out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
      for (labels, value) in samples { out += "\(name)\(labels) \(format(value))\n" }
    }
    metric("reconcile_last_run_timestamp_seconds", "When the last reconcile run started.", [("", lastRunTime)])
    metric("reconcile_last_run_success", "1 when every change of the last run applied.", [("", lastRunSuccess ? 1 : 0)])
    metric("reconcile_last_run_changes_applied", "Changes the last run applied.", [("", Double(changesApplied))])
    metric(
      "reconcile_last_run_drift_events", "Drift events the last run found, by module.",
      driftByModule.sorted { $0.key < $1.key }.map { ("{module=\"\(escape($0.key))\"}", Double($0.value)) })
    metric(
      "reconcile_pending_changes", "Changes not applied by the last run (failed, skipped, reported only).",
      [("", Double(pendingChanges))])
    if let secondsSinceFetch {
      metric(
        "reconcile_source_seconds_since_fetch", "Seconds since the last successful fetch of the state repository.",
        [("", secondsSinceFetch)])
    }
    return out
  }

  private func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }

  private func escape(_ label: String) -> String {
    var escaped = ""
    for character in label {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
