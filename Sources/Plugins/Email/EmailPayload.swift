import Core

/// How the email plugin applies a change; carried in `Change.payload`.
enum EmailPayload: Codable, Sendable {
  /// Write a script (root-owned, 0755), or remove it (nil).
  case script(path: HostPath, contents: String?)
  /// Make the spool folder of `user` (owned by the user, group of the notifier's user, 2770),
  /// or remove it (nil) with the reports left in it.
  case spool(path: HostPath, user: String?)
}
