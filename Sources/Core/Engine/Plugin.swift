/// A module of reconcile (units, users, podman, ...). Its phases, as in Terraform providers:
///
/// 1. `decode`: read and validate its sections of the host's declarations (and what earlier
///    plugins contributed), record every problem; no host access.
/// 2. `observe`: read the host, never change it.
/// 3. `plan`: compare desired with observed and the ledger; return changes as data. Pure.
/// 4. `apply`: carry out one change of its own, and record it in the ledger.
///
/// Every plugin passes the conformance kit in TestSupport: plan, apply, plan again gives no
/// changes, and the second apply writes nothing.
public protocol Plugin: Sendable {
  /// What the plugin decodes from the repository.
  associatedtype Desired: Sendable
  /// What it sees on the host; Codable so it can be snapshotted and reviewed.
  associatedtype Observed: Sendable, Codable

  /// The module name (`units`), used in changes and the ledger.
  var name: String { get }
  /// The top-level keys of host and role files this plugin reads.
  var sections: [String] { get }

  /// Decodes and validates; may read and add to `contributions`.
  func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions, diagnostics: inout Diagnostics
  ) -> Desired

  /// Reads the host state relevant to `desired` and to what the ledger says it manages.
  func observe(_ desired: Desired, ledger: Ledger, host: Host) throws -> Observed

  /// Computes the changes that bring the host to `desired`.
  func plan(_ desired: Desired, observed: Observed, ledger: Ledger, host: HostFacts) -> PluginPlan

  /// Carries out one of its changes and updates the ledger; returns an optional note for
  /// the report.
  func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String?
}

/// A plugin's part of the plan.
public struct PluginPlan: Sendable {
  public var changes: [Change]
  public var diagnostics: Diagnostics
  /// What the plugin could not observe.
  public var limitations: [String]
  /// Ledger entries to record although nothing on the host changes (resources found already
  /// in the desired state, e.g. after a run was interrupted), or to forget (nil).
  public var ledgerUpdates: [Address: Ledger.Entry?]
  /// Lines worth showing beside the changes (e.g. `report.service 9.6 UNSAFE -> 2.1 OK`).
  public var notes: [String]

  public init(
    changes: [Change] = [], diagnostics: Diagnostics = Diagnostics(), limitations: [String] = [],
    ledgerUpdates: [Address: Ledger.Entry?] = [:], notes: [String] = []
  ) {
    self.changes = changes
    self.diagnostics = diagnostics
    self.limitations = limitations
    self.ledgerUpdates = ledgerUpdates
    self.notes = notes
  }
}
