import Core

/// What the podman plugin saw, read from files only: no podman command runs while observing,
/// so a run with nothing to do starts no program.
public struct ObservedPodman: Sendable, Codable {
  /// Whether this is the running host (`--root /` with systemd), where podman can run.
  public var live = false
  /// The programs rootless podman needs, and whether each is installed.
  public var programs: [String: Bool] = [:]
  /// Whether the unified cgroup v2 hierarchy is mounted (live hosts only).
  public var cgroupV2: Bool?
  /// Whether cgroup v2 is mounted beside v1 (the hybrid layout, `/sys/fs/cgroup/unified`).
  public var cgroupHybrid: Bool?
  /// `kernel.unprivileged_userns_clone`, where that sysctl exists.
  public var unprivilegedUsernsClone: String?
  /// `user.max_user_namespaces`.
  public var maxUserNamespaces: String?
  /// `/etc/containers/containers.conf`: its text, nil when absent.
  public var configuration: String?
  /// Facts about each container user that exists, by name: the users of declared containers
  /// and of removed containers the ledger still has something to remove for.
  public var users: [String: UserFacts] = [:]
  /// Facts about each container, by name.
  public var containers: [String: ContainerFacts] = [:]

  /// A container user.
  public struct UserFacts: Sendable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    public var home: String
    public var homeExists: Bool
    /// The first subordinate UID, when the user has a range in /etc/subuid.
    public var subuidStart: UInt32?
    /// Whether the user has a range in /etc/subgid.
    public var hasSubgid: Bool
    /// The images in the user's podman storage; nil when no storage was found.
    public var images: [StoredImage]?
    /// The named volumes in the user's podman storage, sorted; nil when none was found.
    public var volumes: [String]?
  }

  /// An image in a user's storage (`images.json` of containers/storage).
  public struct StoredImage: Sendable, Codable, Hashable {
    public var id: String
    public var names: [String]
    public var digests: [String]
  }

  /// A container.
  public struct ContainerFacts: Sendable, Codable {
    /// The ID of the running container (its unit's cidfile), nil when it does not run.
    public var runningID: String?
    /// Owners of the declared bind-mount folders by host path; absent paths are missing.
    public var bindMounts: [String: Owner] = [:]
  }

  /// Who owns a file.
  public struct Owner: Sendable, Codable, Hashable {
    public var uid: UInt32
    public var gid: UInt32
    public var isDirectory: Bool
  }
}
