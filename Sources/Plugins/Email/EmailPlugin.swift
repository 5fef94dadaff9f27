import Core

/// Failure email: when a watched unit fails, systemd starts `status-email@UNIT.service`,
/// which mails the unit's full `systemctl status` to the operator.
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
/// installs them. The plugin itself writes one file, the notification script. It also lints
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
}
