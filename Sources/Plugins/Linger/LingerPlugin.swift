import Core

/// Linger for the users that ask for it (`linger: true` on a user, or a plugin's
/// `AccountRequirement`): their systemd user manager starts at boot and outlives logins. On a
/// live host through logind (`SetUserLinger`, as `loginctl enable-linger` does), so the manager
/// starts at once; under `--root`, the file `/var/lib/systemd/linger/NAME` that logind reads
/// at start. Only users reconcile manages are touched: the requests come from the users plugin.
public struct LingerPlugin: Plugin {
  public init() {}

  public var name: String { "linger" }
  /// Reads no section of its own.
  public var sections: [String] { [] }

  /// logind's folder of lingering users.
  static let folder = HostPath("/var/lib/systemd/linger")!
}

/// The users that should linger, with where each asked.
public struct DesiredLinger: Sendable {
  public var users: [String: SourcePosition?] = [:]
}

/// Which of the users of interest linger now.
public struct ObservedLinger: Sendable, Codable {
  public var lingering: Set<String> = []
}

/// How a linger change is applied.
struct LingerPayload: Codable, Sendable {
  var user: String
  var enable: Bool
}
