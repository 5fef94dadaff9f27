import Core

/// How the units plugin applies each kind of change; carried in `Change.payload`.
enum UnitPayload: Codable, Sendable {
  /// Write (contents) or remove (nil) a unit file or drop-in; `user` for a user unit made for
  /// one user (recorded in the ledger, so its removal reaches that user's manager);
  /// `reloadOnly` for a drop-in whose changes need no restart (recorded too, for its removal).
  case file(path: HostPath, contents: String?, user: String? = nil, reloadOnly: Bool? = nil)
  /// Create `add` links and remove `remove` links (offline), or enable/disable (live).
  case enablement(
    scope: UnitScope, unit: UnitName, add: [InstallSection.Link], remove: [InstallSection.Link], enable: Bool)
  /// `daemon-reload` of the system manager.
  case reload
  /// Start, restart or stop a unit and wait for it.
  case activation(unit: UnitName, operation: Operation)
  /// `daemon-reload` of one user's manager (`user@UID.service`).
  case userReload(user: String)
  /// Start, restart or stop a unit in one user's manager and wait for it.
  case userActivation(user: String, unit: UnitName, operation: Operation)

  enum Operation: String, Codable, Sendable { case start, restart, stop }
}

/// Fingerprints recorded in the ledger.
enum Fingerprint {
  static func of(_ bytes: [UInt8]) -> String { "sha256:" + SHA256.hex(bytes) }

  static func of(links: [InstallSection.Link]) -> String {
    links.sorted().map { "\($0.path) -> \($0.target)" }.joined(separator: "\n")
  }
}
