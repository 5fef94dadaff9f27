import Core

/// What the email plugin itself makes true on the host: its scripts and the users' spool
/// folders, or none (then what it made earlier is removed). The templates, path units and
/// drop-ins are contributions, installed by the units plugin.
public struct DesiredEmail: Sendable {
  /// A script the plugin installs (root-owned, 0755).
  public struct Script: Sendable {
    public var path: HostPath
    public var contents: [UInt8]
  }

  /// The spool folder of a user whose units are watched.
  public struct Spool: Sendable {
    /// The user who writes it (the owner).
    public var user: String
    public var path: HostPath
  }

  /// The scripts, sorted by path; empty when the host declares no email.
  public var scripts: [Script] = []
  /// The spool folders, sorted by user.
  public var spools: [Spool] = []
  /// The client, checked on the host at plan (present and executable).
  public var client: HostPath?
  /// The client's configuration, checked on the host at plan (root-only).
  public var clientConfig: Located<HostPath>?
  /// Where the section is.
  public var position: SourcePosition?
  /// The units that get the `OnFailure=` drop-in, sorted (`USER/NAME` for user units).
  public var watched: [String] = []

  /// Whether the host declares email.
  public var declared: Bool { !scripts.isEmpty }
}
