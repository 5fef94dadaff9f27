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
  /// Image archives read at decode time, kept for apply (by fingerprint): a plan carries
  /// only their fingerprint, never their bytes.
  let archives = ArchiveStore()

  public init() {}

  public var name: String { "podman" }
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

/// Image archives by fingerprint, shared between the phases of one run.
final class ArchiveStore: Sendable {
  private let storage = Locked<[String: [UInt8]]>([:])

  func keep(_ bytes: [UInt8], as fingerprint: String) {
    storage.update { $0[fingerprint] = bytes }
  }

  func bytes(of fingerprint: String) -> [UInt8]? { storage.read { $0[fingerprint] } }
}
