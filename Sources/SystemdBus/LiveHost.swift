import Core
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The live parts of a `Host` on a machine where systemd runs: the system manager (one
/// connection, made at once), and logind, user managers and the journal, reached only when a
/// change needs them, so that a run with nothing to do opens one D-Bus connection.
public enum LiveHost {
  /// Whether systemd is running as the init system (`sd_booted`: /run/systemd/system exists).
  public static var isBooted: Bool {
    var st = stat()
    return lstat("/run/systemd/system", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// The system manager client.
  public static func systemManager() throws -> SystemdManagerClient { try SystemdManagerClient.system() }

  /// logind, connected on first use.
  public static func login() -> any LoginManager { LazyLogin() }

  /// Opens user `uid`'s manager; nil when it is not running.
  public static func userManager(uid: UInt32) -> (any ServiceManager)? { try? SystemdManagerClient.user(uid: uid) }

  /// The journal.
  public static let journal: any EventJournal = SystemJournal()
}

/// The journal through `sd_journal_sendv`.
struct SystemJournal: EventJournal {
  func send(_ fields: [(String, String)]) throws { try Journal.send(fields: fields) }
}

/// A `LoginClient` made on the first call.
final class LazyLogin: LoginManager, Sendable {
  // Made once under the lock, then used only through it.
  private let client = Mutex<LoginClient?>(nil)

  func setLinger(uid: UInt32, enabled: Bool) throws {
    try client.withLock { client in
      if client == nil { client = try LoginClient() }
      try client!.setLinger(uid: uid, enabled: enabled)
    }
  }
}
