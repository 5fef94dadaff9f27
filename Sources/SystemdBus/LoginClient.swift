import CSystemd
import Core
import Synchronization

/// A `LoginManager` over `org.freedesktop.login1` on the system bus.
public final class LoginClient: LoginManager {
  let connection: Mutex<BusConnection>

  /// A client over `connection`, which must reach logind (the system bus).
  public init(connection: BusConnection) {
    self.connection = Mutex(connection)
  }

  /// A client over a new system bus connection. `sd_bus_open_system`
  public convenience init() throws(SystemdError) {
    self.init(connection: try .system())
  }

  /// Enables or disables linger for `uid`, as `loginctl enable-linger` does: logind starts
  /// (or stops) `user@UID.service` at once and remembers it across boots.
  /// `org.freedesktop.login1.Manager.SetUserLinger`
  public func setLinger(uid: UInt32, enabled: Bool) throws {
    try connection.withLock { connection throws(SystemdError) in
      let message = try connection.methodCall(
        "org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
        "SetUserLinger")
      try message.append(uid)
      try message.append(enabled)
      try message.append(false)  // interactive: never ask for a password
      _ = try connection.call(message, "Manager.SetUserLinger", subject: "uid \(uid)")
    }
  }
}
