import FoundationEssentials

/// The plan for one host: every change of every plugin, in the order they will be applied,
/// plus what planning noticed. A plain value: print it, serialise it, review it, apply it.
public struct Plan: Sendable, Codable {
  /// The format of this JSON document.
  public var version = 1
  public var host: String
  /// Where the desired state came from (a folder, or a commit).
  public var source: String
  /// Changes in application order.
  public var changes: [Change]
  /// Warnings and errors found while loading, observing and planning.
  public var diagnostics: [Diagnostic]
  /// Things planning could not see (e.g. "no running systemd: unit states not observed").
  public var limitations: [String]
  /// What plugins want shown beside the changes, by plugin name.
  public var notes: [String: [String]] = [:]
  /// Ledger entries to record (or forget, nil) although nothing on the host changes; not
  /// part of the JSON document.
  public var ledgerUpdates: [Address: Ledger.Entry?] = [:]

  enum CodingKeys: String, CodingKey {
    case version, host, source, changes, diagnostics, limitations, notes
  }

  public init(
    host: String, source: String, changes: [Change], diagnostics: [Diagnostic] = [], limitations: [String] = []
  ) {
    self.host = host
    self.source = source
    self.changes = changes
    self.diagnostics = diagnostics
    self.limitations = limitations
  }

  /// Whether applying would change nothing.
  public var isEmpty: Bool { changes.isEmpty }

  /// Whether the host drifted: a change reverts (or reports) drift or a conflict.
  public var hasDrift: Bool { changes.contains { $0.cause == .drift || $0.cause == .conflict } }

  /// Whether the repository asks for changes (anything but pure drift and its consequences).
  public var hasRepositoryChanges: Bool {
    changes.contains { [.new, .changed, .conflict, .prune, .adoption].contains($0.cause) }
  }

  /// The plan as pretty JSON.
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}
