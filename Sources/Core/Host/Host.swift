/// Everything a plugin may use to observe and change the managed host.
public struct Host: Sendable {
  /// The host's files, under `--root`.
  public var fs: RootedFileSystem
  /// The running system manager; nil when no systemd runs (offline root, chroot, build box).
  public var systemd: (any ServiceManager)?
  /// Opens the manager of the user with this UID; nil when not reachable.
  public var userManager: @Sendable (UInt32) -> (any ServiceManager)?
  /// logind; nil offline.
  public var login: (any LoginManager)?
  /// The system journal; nil where none is used.
  public var journal: (any EventJournal)?
  /// Facts plugins plan with.
  public var facts: HostFacts
  /// Account tables the plugins' observations share (`AccountFiles(host:)`); the engine sets
  /// it while it observes. Nil: each read parses the file afresh, as applying must.
  public var accountTables: AccountTableCache?

  public init(
    fs: RootedFileSystem, systemd: (any ServiceManager)? = nil,
    userManager: @escaping @Sendable (UInt32) -> (any ServiceManager)? = { _ in nil },
    login: (any LoginManager)? = nil, journal: (any EventJournal)? = nil, facts: HostFacts
  ) {
    self.journal = journal
    self.fs = fs
    self.systemd = systemd
    self.userManager = userManager
    self.login = login
    self.facts = facts
  }

  /// Whether a running systemd is available.
  public var isLive: Bool { systemd != nil }
}

/// Plain facts about the host that planning may depend on.
public struct HostFacts: Sendable, Codable {
  /// The host name the state is for.
  public var name: String
  /// Whether a running systemd can be asked and driven.
  public var live: Bool
  /// Why not, when it cannot (said plainly in the plan).
  public var liveUnavailableReason: String?
  /// The state directory (`/var/lib/reconcile`).
  public var stateDirectory: HostPath
  /// Whether the plan is made to be shown (`Engine.plan(_:host:ledger:forDisplay:)`). A plan
  /// only applied keeps no diffs, so a plugin may leave out one that is large to make (a new
  /// unit file's is its whole text). Not part of a snapshot.
  public var forDisplay = true

  private enum CodingKeys: String, CodingKey {
    case name, live, liveUnavailableReason, stateDirectory
  }

  public init(name: String, live: Bool, liveUnavailableReason: String? = nil, stateDirectory: HostPath) {
    self.name = name
    self.live = live
    self.liveUnavailableReason = liveUnavailableReason
    self.stateDirectory = stateDirectory
  }
}
