/// The system journal, for run summaries and drift events with structured fields. Core
/// defines the shape; `SystemdBus` sends through `sd_journal_sendv`.
public protocol EventJournal: Sendable {
  /// Sends one entry; `fields` are `KEY=value` pairs (`MESSAGE`, `PRIORITY`, `MESSAGE_ID`, ...).
  func send(_ fields: [(String, String)]) throws
}

/// The fixed `MESSAGE_ID`s reconcile logs with, so `journalctl MESSAGE_ID=...` finds them.
public enum JournalMessageID {
  /// A run summary.
  public static let run = "4b2c7d9e0f1a4c3b8e6d5a7f9c1b3e2d"
  /// A drift event: a resource changed on the host behind the repository's back.
  public static let drift = "d1f0c8e6a4b2490d9e7c5a3b1f8d6e4c"
  /// A change that failed.
  public static let failure = "a9e8d7c6b5a4403f9e8d7c6b5a4f3e2d"
}

extension RunRecord {
  /// The journal entries for this run: one per drift event, one per failure, and a summary.
  public func journalEntries() -> [[(String, String)]] {
    var entries: [[(String, String)]] = []
    for event in driftEvents {
      entries.append([
        (
          "MESSAGE",
          "reconcile: drift on \(event.address): \(event.outcome == .reported ? "reported" : "reverted") (\(event.cause.rawValue))"
        ),
        ("MESSAGE_ID", JournalMessageID.drift), ("PRIORITY", "4"), ("RECONCILE_HOST", host),
        ("RECONCILE_RESOURCE", event.address.description), ("RECONCILE_MODULE", event.plugin),
        ("RECONCILE_CLASS", event.cause.rawValue), ("RECONCILE_OUTCOME", event.outcome.rawValue),
        ("RECONCILE_COMMIT", commit ?? ""),
      ])
    }
    for failure in changes where failure.outcome == .failed {
      entries.append([
        ("MESSAGE", "reconcile: \(failure.address) failed: \(failure.message ?? "")"),
        ("MESSAGE_ID", JournalMessageID.failure), ("PRIORITY", "3"), ("RECONCILE_HOST", host),
        ("RECONCILE_RESOURCE", failure.address.description), ("RECONCILE_MODULE", failure.plugin),
      ])
    }
    let applied = changes.filter { $0.outcome == .applied }.count
    entries.append([
      (
        "MESSAGE",
        "reconcile: \(succeeded ? "applied" : "FAILED") \(applied) change\(applied == 1 ? "" : "s"), \(driftEvents.count) drift event\(driftEvents.count == 1 ? "" : "s")\(commit.map { " at \(String($0.prefix(12)))" } ?? "")"
      ),
      ("MESSAGE_ID", JournalMessageID.run), ("PRIORITY", succeeded ? "6" : "3"), ("RECONCILE_HOST", host),
      ("RECONCILE_COMMIT", commit ?? ""), ("RECONCILE_CHANGES", String(applied)),
      ("RECONCILE_DRIFT", String(driftEvents.count)),
      ("RECONCILE_FAILED", String(changes.filter { $0.outcome == .failed }.count)),
      ("RECONCILE_DURATION_MS", String(Int(duration * 1000))),
    ])
    return entries
  }
}
