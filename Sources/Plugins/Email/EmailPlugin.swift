import Core

/// Failure email: when a watched unit fails, systemd starts `status-email@UNIT.service`,
/// which mails the unit's full `systemctl status` to the operator. A user unit (a container's)
/// starts the user template of that name instead, which spools the status for a system relay
/// to mail, so the mail account's credentials stay out of the user's reach.
///
///     email:
///       recipients: [operator@example.org]
///       sender: gemini@example.org
///       client: /usr/bin/msmtp                  # the default
///       client-config: /etc/reconcile/msmtprc   # root-owned, on the host only
///       watch: all                              # the default; or a list of units
///       start-limit: { interval: 10min, burst: 5 }
///
/// At decode the plugin contributes the template unit `status-email@.service` (never
/// enabled) and one drop-in per watched unit, `NAME.d/50-reconcile-email.conf`, holding
/// `OnFailure=status-email@%n.service` (and the start limit when asked); the units plugin
/// installs them. For user units it also contributes the user template, the relay template
/// and one path unit per watched user. The plugin itself writes the scripts and the users'
/// spool folders. It also lints
/// every repository unit: `OnFailure=` outside `[Unit]` (an error), and a watched unit with
/// `Restart=` that may never reach the failed state (a warning with the fix). See
/// docs/email.md.
public struct EmailPlugin: Plugin {
  public init() {}

  public var name: String { "email" }
  public var sections: [String] { ["email"] }

  /// The plugin named in contributions and ledger entries.
  static let origin = "email"

  /// The notification script the template runs.
  public static let scriptPath = HostPath("/usr/local/lib/reconcile/status-email")!
  /// The template unit started by `OnFailure=`.
  public static let templateName = UnitName("status-email@.service")!
  /// The drop-in every watched unit gets.
  public static let dropInName = "50-reconcile-email.conf"
  /// The system user the notifier runs as (created by the users plugin).
  public static let userName = "reconcile-email"
  /// reconcile's own service, watched even before it exists.
  public static let reconcileService = UnitName("reconcile.service")!
  /// The name of the client configuration among the notifier's credentials.
  static let credentialName = "sendmail.conf"

  // User units (containers) mail through a spool: the user template writes the failed unit's
  // status into the user's spool folder, and a system service mails it (docs/email.md).

  /// The script the user template runs as the user: spools a unit's status.
  public static let spoolScriptPath = HostPath("/usr/local/lib/reconcile/status-email-spool")!
  /// The script the relay runs as the notifier's user: mails what a user spooled.
  public static let relayScriptPath = HostPath("/usr/local/lib/reconcile/status-email-relay")!
  /// The system template that mails what user `%i` spooled; never enabled.
  public static let relayTemplateName = UnitName("status-email-relay@.service")!
  /// The folder holding one spool folder per watched user.
  public static let spoolFolder = HostPath("/var/spool/reconcile-email")!
  /// A spool folder's mode: the user writes, the notifier's group reads and removes, and new
  /// files take that group (set-group-ID).
  public static let spoolMode: UInt32 = 0o2770

  /// The spool folder of `user`.
  static func spool(of user: String) -> HostPath { spoolFolder.child(user) }

  /// The system path unit that starts the relay for `user` when its spool is not empty.
  static func pathUnitName(of user: String) -> UnitName? {
    UnitName("status-email-relay-\(user).path")
  }
}
