import Core

/// Rootless podman containers as systemd user services under their own users.
///
/// Each `containers:` entry becomes `container-NAME.service` in `/etc/systemd/user` (root-owned,
/// `ConditionUser=` so only that user's manager runs it, enabled for every user's
/// `default.target`), of the shape `podman generate systemd --new` gives on podman 4.3; a job
/// also gets `container-NAME.timer`. The units plugin installs and starts them; the users,
/// subids and linger plugins create what the user needs (this plugin asks for it). The plugin
/// itself loads image archives and pulls images as the user, runs `podman system migrate`
/// after a user got subordinate IDs, and manages the OCI runtime in containers.conf.
/// See docs/podman.md.
public struct PodmanPlugin: Plugin {
  /// Where this run's image archives are, by fingerprint, for apply to read them: a plan
  /// carries only their path and fingerprint, never their bytes.
  let archives = ArchiveStore()

  public init() {}

  public var name: String { Self.moduleName }
  /// The plugin's name, in changes and the ledger.
  static let moduleName = "podman"
  public var sections: [String] { ["containers", "podman"] }

  /// The origin other plugins recognise (hardening keeps a podman unit's needs).
  static let origin = "podman"
  /// containers.conf, where the OCI runtime is chosen.
  static let configurationPath = HostPath("/etc/containers/containers.conf")!
  /// The address of containers.conf in plans and the ledger.
  static let configurationAddress = Address("podman-config", "containers.conf")
  /// The largest image archive read from the repository (1 GiB).
  static let archiveLimit = 1 << 30
  /// How long one podman command may take (a large image load).
  static let commandTimeout = 600.0
}

/// The trees holding the image archives this run decoded, by fingerprint, shared between
/// the phases of one run. Nothing of an archive is held: apply reads it when it loads it.
final class ArchiveStore: Sendable {
  private let storage = Locked<[String: any StateTree]>([:])

  func keep(_ archive: ImageArchive, in tree: any StateTree) {
    storage.update { $0[archive.fingerprint] = tree }
  }

  /// The tree in which this run found an archive with `fingerprint`.
  func tree(of fingerprint: String) -> (any StateTree)? { storage.read { $0[fingerprint] } }
}
