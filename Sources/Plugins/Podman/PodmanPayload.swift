import Core

/// How the podman plugin applies each of its changes; carried in `Change.payload`.
enum PodmanPayload: Codable, Sendable {
  /// Write containers.conf with `contents` and record it.
  case configuration(contents: String, created: Bool)
  /// `podman system migrate` as `user`, after its subordinate IDs changed.
  case migrate(user: String)
  /// Load an image archive (`podman load` from the archive's bytes) as `user`.
  case load(container: String, user: String, image: String, archive: ImageArchive)
  /// `podman pull IMAGE` as `user`.
  case pull(container: String, user: String, image: String)
  /// `podman volume rm VOLUME` as `user`: the removed `containers` declared
  /// `on-removal: { volumes: remove }`.
  case removeVolume(user: String, volume: String, containers: [String])
  /// `podman image rm IMAGE` as `user`: the removed `containers` declared
  /// `on-removal: { image: remove }`.
  case removeImage(user: String, image: String, containers: [String])
}
