import Core

/// What the email plugin itself makes true on the host: the notification script, or none
/// (then a script it installed earlier is removed). The template and the drop-ins are
/// contributions, installed by the units plugin.
public struct DesiredEmail: Sendable {
  /// The script's text; nil when the host declares no email.
  public var script: [UInt8]?
  /// The client, checked on the host at plan (present and executable).
  public var client: HostPath?
  /// The client's configuration, checked on the host at plan (root-only).
  public var clientConfig: Located<HostPath>?
  /// Where the section is.
  public var position: SourcePosition?
  /// The units that get the `OnFailure=` drop-in, sorted.
  public var watched: [UnitName] = []
}
