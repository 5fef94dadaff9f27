import Core

/// One declared container: a rootless podman container run by the systemd manager of its user,
/// as a service (kept running) or a job (run by a timer, its exit status the unit's).
public struct Container: Sendable {
  /// How podman sets up the container's network.
  public enum Network: Sendable, Hashable {
    /// The host's network namespace (`--network=host`).
    case host
    /// Loopback only (`--network=none`).
    case none
    /// User-mode networking with its options (`slirp4netns:allow_host_loopback=true`).
    case slirp4netns(options: [String])

    /// The value of `--network=`.
    public var argument: String {
      switch self {
      case .host: return "host"
      case .none: return "none"
      case .slirp4netns(let options):
        return options.isEmpty ? "slirp4netns" : "slirp4netns:" + options.joined(separator: ",")
      }
    }
  }

  /// Where a volume comes from.
  public enum VolumeSource: Sendable, Hashable {
    /// A host folder (a bind mount).
    case path(HostPath)
    /// A named volume in the user's podman storage.
    case named(String)
  }

  /// A volume mounted into the container.
  public struct Volume: Sendable, Hashable {
    public var source: VolumeSource
    /// The absolute path inside the container.
    public var target: String
    /// Mount options (`ro`, `z`, `U`, ...), in order.
    public var options: [String]
    public var position: SourcePosition

    /// Whether the container may write to it.
    public var isWritable: Bool { !options.contains("ro") }

    /// The value of `--volume`.
    public var argument: String {
      let source: String
      switch self.source {
      case .path(let path): source = path.description
      case .named(let name): source = name
      }
      return ([source, target] + (options.isEmpty ? [] : [options.joined(separator: ",")]))
        .joined(separator: ":")
    }
  }

  /// When podman fetches the image from its registry.
  public enum Pull: String, Sendable, Hashable, CaseIterable {
    /// reconcile pulls it once when the user's storage lacks it (the default).
    case missing
    /// Every start of the container pulls (`--pull=always`); reconcile never restarts for a
    /// newer image upstream: pin a digest to roll one out.
    case always
    /// Never: the image comes from `image-archive:` or by hand.
    case never
  }

  /// What goes with the container when its declaration is removed (`on-removal:`).
  public struct Removal: Sendable, Hashable {
    /// Remove the named volumes its declaration created (`volumes: remove`).
    public var volumes = false
    /// Remove its image from the user's storage (`image: remove`).
    public var image = false

    public init(volumes: Bool = false, image: Bool = false) {
      self.volumes = volumes
      self.image = image
    }
  }

  /// The container's name (also in its unit's name, `container-NAME.service`).
  public var name: String
  /// The system user whose manager runs it.
  public var user: String
  /// The image, fully qualified (`docker.io/library/busybox:1.36`, `localhost/bot:1`).
  public var image: String
  /// A `podman save` archive the layer ships, for hosts without registry access.
  public var archive: ImageArchive?
  public var pull: Pull
  /// The command and its arguments (the image's own when empty).
  public var command: [String]
  /// Environment variables of the container.
  public var environment: [(key: String, value: String)]
  public var volumes: [Volume]
  /// Published ports (`[IP:]HOSTPORT:CONTAINERPORT[/PROTO]`).
  public var ports: [String]
  /// nil: podman's default for rootless containers (slirp4netns).
  public var network: Network?
  /// `--userns=keep-id`: the user is itself inside the container.
  public var keepID: Bool
  /// The numeric user the container runs as (`--user`), when not the image's.
  public var runAs: UInt32?
  /// systemd's `Restart=` for a service (on-failure by default).
  public var restart: String?
  /// Further `podman run` options, verbatim.
  public var podmanArguments: [String]
  /// What is removed with it once its declaration is gone (both kept by default).
  public var removal = Removal()
  /// For a job: the `[Timer]` directives of its timer, in order.
  public var timer: [(key: String, value: String)]
  /// The declaration's key.
  public var position: SourcePosition

  /// Whether it is a job (run by a timer) rather than a service.
  public var isJob: Bool { !timer.isEmpty }

  /// `container-NAME.service`.
  public var serviceName: UnitName { UnitName("container-\(name).service")! }
  /// `container-NAME.timer`, for jobs.
  public var timerName: UnitName { UnitName("container-\(name).timer")! }
  /// The ledger address of its image.
  public var imageAddress: Address { Address("image", name) }
  /// The ledger address of the container itself (what to remove with it, kept while declared).
  public var address: Address { Address("container", name) }

  /// The named volumes it mounts, in order, without repeats.
  public var namedVolumes: [String] {
    var seen = Set<String>()
    return volumes.compactMap {
      guard case .named(let name) = $0.source, seen.insert(name).inserted else { return nil }
      return name
    }
  }
}

/// A local image archive shipped in the repository.
public struct ImageArchive: Sendable, Hashable, Codable {
  /// The path in the repository tree.
  public var path: String
  /// `sha256:HEX` of its bytes.
  public var fingerprint: String
  /// Its size in bytes.
  public var size: Int
  /// The archive's fingerprint with the file's identity when it was hashed, for the ledger;
  /// not part of a plan's JSON (a plan names the archive by path and fingerprint).
  public var file: FileFingerprint?

  private enum CodingKeys: String, CodingKey { case path, fingerprint, size }

  /// The archive at `path` with the fingerprint `file`.
  public init(path: String, file: FileFingerprint) {
    self.path = path
    fingerprint = file.sha256
    size = file.size
    self.file = file
  }
}

/// The host-wide podman settings (`podman:` in a host or role file).
public struct PodmanSettings: Sendable {
  /// The OCI runtime written to `/etc/containers/containers.conf` (`crun`).
  public var runtime: String?
  /// `keyring = false`: no session keyring per container, for hosts that are themselves
  /// containers (systemd-nspawn, LXC) whose seccomp filter forbids `keyctl`.
  public var keyring: Bool?
  /// Whether an existing containers.conf reconcile did not create may be taken over.
  public var adoptConfiguration: Bool
  public var position: SourcePosition?
}

/// What the podman plugin decoded.
public struct DesiredPodman: Sendable {
  public var containers: [Container] = []
  public var settings = PodmanSettings(
    runtime: nil, keyring: nil, adoptConfiguration: false, position: nil)

  /// The users that run containers, sorted.
  public var users: [String] { Set(containers.map(\.user)).sorted() }
}
