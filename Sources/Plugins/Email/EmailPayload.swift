import Core

/// How the email plugin applies a change; carried in `Change.payload`.
enum EmailPayload: Codable, Sendable {
  /// Write the script (root-owned, 0755), or remove it (nil).
  case script(path: HostPath, contents: String?)
}
