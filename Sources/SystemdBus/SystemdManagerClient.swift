import CSystemd
import Core
import Synchronization

/// A `ServiceManager` over `org.freedesktop.systemd1`: the system manager or one user's.
///
/// Every call goes through one `BusConnection`, serialised by a lock. Job calls (start,
/// restart, stop) subscribe to `JobRemoved` before they create the job, then wait for its
/// end. Unit states are read with one `Properties.GetAll` per unit, all sent at once.
public final class SystemdManagerClient: ServiceManager {
  /// The bus name of the manager.
  static let destination = "org.freedesktop.systemd1"
  /// The manager's object path.
  static let path = "/org/freedesktop/systemd1"
  /// The manager's interface.
  static let interface = "org.freedesktop.systemd1.Manager"

  /// What the lock guards: the connection and what was done on it.
  struct Session {
    let connection: BusConnection
    var changingCalls = 0
    var subscribed = false
  }

  let session: Mutex<Session>

  /// A client over `connection`, which must reach a systemd manager.
  public init(connection: BusConnection) {
    session = Mutex(Session(connection: connection))
  }

  /// The system manager: its private socket when it accepts us (root), else the system bus.
  public static func system() throws(SystemdError) -> SystemdManagerClient {
    do {
      return SystemdManagerClient(connection: try .systemManager())
    } catch {
      return SystemdManagerClient(connection: try .system())
    }
  }

  /// The manager of user `uid` (`user@UID.service`), through its private socket.
  public static func user(uid: UInt32) throws(SystemdError) -> SystemdManagerClient {
    SystemdManagerClient(connection: try .userManager(uid: uid))
  }

  /// How many state-changing calls this client made so far.
  public var changingCalls: Int { session.withLock { $0.changingCalls } }

  /// How many method calls of any kind this client's connection sent so far.
  public var methodCalls: Int { session.withLock { $0.connection.methodCalls } }

  // MARK: Manager methods

  /// `daemon-reload`; returns once systemd finished reloading. `Manager.Reload`
  public func reload() throws {
    try session.withLock { session throws(SystemdError) in
      session.changingCalls += 1
      _ = try Self.callManager(session.connection, "Reload")
    }
  }

  /// Enables unit files, replacing conflicting symlinks. `Manager.EnableUnitFiles`
  public func enable(_ units: [UnitName]) throws {
    guard !units.isEmpty else { return }
    try session.withLock { session throws(SystemdError) in
      session.changingCalls += 1
      _ = try Self.callManager(session.connection, "EnableUnitFiles", subject: units) {
        message throws(SystemdError) in
        try message.append(units.map(\.rawValue))
        try message.append(false)  // runtime: enable persistently, under /etc
        try message.append(true)  // force: replace symlinks that point elsewhere
      }
    }
  }

  /// Disables unit files. `Manager.DisableUnitFiles`
  public func disable(_ units: [UnitName]) throws {
    guard !units.isEmpty else { return }
    try session.withLock { session throws(SystemdError) in
      session.changingCalls += 1
      _ = try Self.callManager(session.connection, "DisableUnitFiles", subject: units) {
        message throws(SystemdError) in
        try message.append(units.map(\.rawValue))
        try message.append(false)  // runtime
      }
    }
  }

  /// Calls `member` on the manager object and returns the reply.
  static func callManager(
    _ connection: BusConnection, _ member: String, subject: [UnitName] = [],
    arguments: (BusMessage) throws(SystemdError) -> Void = { _ in }
  ) throws(SystemdError) -> BusMessage {
    let message = try connection.methodCall(destination, path, interface, member)
    try arguments(message)
    let subject = subject.isEmpty ? nil : subject.map(\.rawValue).joined(separator: " ")
    return try connection.call(message, "Manager.\(member)", subject: subject)
  }
}
