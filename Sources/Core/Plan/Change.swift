/// One step of a plan: what happens to which resource, why, and what it needs first.
///
/// Changes are data: they print, serialise and review without touching the host. The plugin
/// that made a change keeps what it needs to apply it in `payload` (its own Codable value).
public struct Change: Sendable, Codable, Hashable {
  /// What happens to the resource.
  public enum Action: String, Sendable, Codable, Hashable {
    case create, update, delete
  }

  /// Why the change is needed, from the ledger (see `ChangeClassifier`).
  public enum Cause: String, Sendable, Codable, Hashable, CaseIterable {
    /// Declared in the repository and not on the host yet.
    case new
    /// Changed in the repository since reconcile last applied it.
    case changed
    /// Changed on the host since reconcile last applied it; the repository did not change.
    case drift
    /// Changed both in the repository and on the host.
    case conflict
    /// Created by reconcile and no longer in the repository.
    case prune
    /// Existed on the host before reconcile managed it; the repository takes it over.
    case adoption
    /// A step that follows from other changes (a daemon-reload, a restart).
    case consequence
  }

  public var address: Address
  public var action: Action
  public var cause: Cause
  /// The plugin that applies the change.
  public var plugin: String
  /// One line saying what will be done, e.g. "install and enable".
  public var summary: String
  /// A human-readable diff (unified-diff style lines), possibly empty.
  public var diff: Diff
  /// Addresses of changes that must be applied first (reversed for deletions).
  public var dependsOn: [Address]
  /// Addresses of changes that must be applied first whatever this change's action (never
  /// reversed): a container's volume is removed only after the unit that used it stopped.
  public var after: [Address] = []
  /// The plugin's own instructions for applying the change (JSON of its payload type).
  public var payload: Payload
  /// Drift the policy says to report only: shown, never applied.
  public var reportOnly = false

  public init(
    address: Address, action: Action, cause: Cause, plugin: String, summary: String,
    diff: [String] = [], dependsOn: [Address] = [], after: [Address] = [],
    payload: Payload = .null
  ) {
    self.address = address
    self.action = action
    self.cause = cause
    self.plugin = plugin
    self.summary = summary
    self.diff = Diff(diff)
    self.dependsOn = dependsOn
    self.after = after
    self.payload = payload
  }

  /// Creates a change carrying `payload` encoded as JSON.
  public init<Payload: Encodable>(
    address: Address, action: Action, cause: Cause, plugin: String, summary: String,
    diff: [String] = [], dependsOn: [Address] = [], after: [Address] = [], payload: Payload
  ) {
    self.init(
      address: address, action: action, cause: cause, plugin: plugin, summary: summary, diff: diff,
      dependsOn: dependsOn, after: after, payload: (try? Change.Payload(encoding: payload)) ?? .null)
  }

  /// Decodes the payload as the plugin's type.
  public func payload<Payload: Decodable>(as type: Payload.Type) throws -> Payload {
    try payload.decode(as: type)
  }

  /// Lets go of what only applying and showing the change need, its payload and diff, once
  /// it is done (`Engine.apply`); what a report of it needs stays.
  mutating func dropInstructions() {
    payload = .null
    diff = []
  }

  /// Lets go of what only showing the change needs, its summary and diff, for a plan that is
  /// applied without being shown (`Engine.plan(_:host:ledger:forDisplay:)`).
  mutating func dropPresentation() {
    summary = ""
    diff = []
  }
}

extension Change.Cause {
  /// A few words for summaries: "changed in the repository", "changed on the host; reverting".
  public var explanation: String {
    switch self {
    case .new: return "new"
    case .changed: return "changed in the repository"
    case .drift: return "changed on the host; reverting"
    case .conflict: return "changed in the repository and on the host"
    case .prune: return "no longer in the repository"
    case .adoption: return "existing file taken over"
    case .consequence: return "follows from other changes"
    }
  }
}
