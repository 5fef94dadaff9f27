import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One connection to a D-Bus peer, owning its `sd_bus*` and closing it in `deinit`.
///
/// Never `sd_bus_default*`: those connections belong to the calling thread. A connection is
/// either to a bus broker (the system bus, where the peer is addressed by name) or directly
/// to a systemd manager's private socket (`/run/systemd/private`,
/// `/run/user/UID/systemd/private`), which needs no broker.
///
/// `@unchecked Sendable`: sd-bus objects are not thread-safe, but a connection has one owner
/// (a client that serialises every use behind a lock), so it is used from one thread at a
/// time, and it may move between threads.
public final class BusConnection: @unchecked Sendable {
  /// The owned `sd_bus*`.
  let bus: OpaquePointer
  /// What this connection reaches, for messages: `system bus`, a socket path.
  public let peer: String
  /// Whether the peer is a bus broker (the connection said `Hello`) rather than a manager.
  public let isBusClient: Bool
  /// How many method calls this connection sent, for measurements.
  public private(set) var methodCalls = 0

  private init(bus: OpaquePointer, peer: String, isBusClient: Bool) {
    self.bus = bus
    self.peer = peer
    self.isBusClient = isBusClient
  }

  deinit { sd_bus_flush_close_unref(bus) }

  /// Opens a new connection to the system bus. `sd_bus_open_system`
  public static func system() throws(SystemdError) -> BusConnection {
    var bus: OpaquePointer? = nil
    try check("sd_bus_open_system", nil, sd_bus_open_system(&bus))
    return BusConnection(bus: bus!, peer: "system bus", isBusClient: true)
  }

  /// Connects to `address` (e.g. `unix:path=/run/systemd/private`); `isBusClient` says
  /// whether a broker is at the other end (then the connection sends `Hello`).
  /// `sd_bus_new`, `sd_bus_set_address`, `sd_bus_start`
  public static func connect(address: String, isBusClient: Bool) throws(SystemdError)
    -> BusConnection
  {
    var bus: OpaquePointer? = nil
    try check("sd_bus_new", nil, sd_bus_new(&bus))
    let connection = BusConnection(bus: bus!, peer: address, isBusClient: isBusClient)
    try check("sd_bus_set_address", address, sd_bus_set_address(bus, address))
    try check("sd_bus_set_bus_client", address, sd_bus_set_bus_client(bus, isBusClient ? 1 : 0))
    try check("sd_bus_start", address, sd_bus_start(bus))
    return connection
  }

  /// The system manager's private socket, which works without a D-Bus broker (root only).
  public static func systemManager() throws(SystemdError) -> BusConnection {
    try connect(address: "unix:path=/run/systemd/private", isBusClient: false)
  }

  /// The manager of user `uid` (`user@UID.service`), reached as root through its private
  /// socket `/run/user/UID/systemd/private`. It needs no user bus (`dbus-user-session`)
  /// and no PAM session, unlike `systemctl --user -M USER@`.
  public static func userManager(uid: UInt32) throws(SystemdError) -> BusConnection {
    try connect(address: "unix:path=/run/user/\(uid)/systemd/private", isBusClient: false)
  }

  /// The bus of user `name` the way `systemctl --user -M NAME@` reaches it: libsystemd runs
  /// `systemd-run -M.host -pUser=NAME -pPAMName=login systemd-stdio-bridge` into the user's
  /// `/run/user/UID/bus`. Slower (a transient unit and a PAM session per connection) and it
  /// needs the user bus (Debian `dbus-user-session`); `userManager(uid:)` needs neither.
  /// `sd_bus_open_user_machine`
  public static func userBusThroughMachine(user name: String) throws(SystemdError)
    -> BusConnection
  {
    var bus: OpaquePointer? = nil
    try check("sd_bus_open_user_machine", name, sd_bus_open_user_machine(&bus, "\(name)@.host"))
    return BusConnection(bus: bus!, peer: "\(name)@.host", isBusClient: true)
  }

  // MARK: Messages

  /// A new method call to `member` of `interface` on `path`, to `destination`.
  /// `sd_bus_message_new_method_call`
  func methodCall(
    _ destination: String, _ path: String, _ interface: String, _ member: String
  ) throws(SystemdError) -> BusMessage {
    var message: OpaquePointer? = nil
    try check(
      "sd_bus_message_new_method_call", "\(interface).\(member)",
      sd_bus_message_new_method_call(bus, &message, destination, path, interface, member))
    return BusMessage(owning: message!)
  }

  /// Sends `message` and waits for its reply; a D-Bus error becomes a `SystemdError` naming
  /// `call` and `subject`. `sd_bus_call`
  func call(_ message: BusMessage, _ call: String, subject: String? = nil) throws(SystemdError)
    -> BusMessage
  {
    var error = sd_bus_error(name: nil, message: nil, _need_free: 0)
    defer { sd_bus_error_free(&error) }
    var reply: OpaquePointer? = nil
    methodCalls += 1
    let result = sd_bus_call(bus, message.pointer, 0, &error, &reply)
    if result < 0 {
      if sd_bus_error_is_set(&error) > 0 {
        throw SystemdError(
          call, subject: subject, errorName: error.name.map { String(cString: $0) } ?? "",
          message: error.message.map { String(cString: $0) } ?? "", code: result)
      }
      throw SystemdError(call, subject: subject, returned: result)
    }
    return BusMessage(owning: reply!)
  }

  /// Sends every request at once and collects their replies (in order), so N calls cost
  /// one round trip of latency. A reply that is a D-Bus error is returned as `.failure`
  /// naming the request's `call` and `subject`. Waits at most `timeout` seconds in all.
  /// `sd_bus_send`, `sd_bus_process`, `sd_bus_wait`
  func callAll(
    _ requests: [(message: BusMessage, call: String, subject: String)], timeout: Double = 25
  ) throws(SystemdError) -> [Result<BusMessage, SystemdError>] {
    var pending: [UInt64: Int] = [:]
    for (index, request) in requests.enumerated() {
      var cookie: UInt64 = 0
      methodCalls += 1
      try check("sd_bus_send", request.subject, sd_bus_send(bus, request.message.pointer, &cookie))
      pending[cookie] = index
    }
    var results = [Result<BusMessage, SystemdError>?](repeating: nil, count: requests.count)
    let deadline = Deadline(seconds: timeout)
    while !pending.isEmpty {
      guard let message = try next(until: deadline) else {
        let first = requests[pending.values.min()!]
        throw SystemdError(first.call, subject: first.subject, returned: -ETIMEDOUT)
      }
      guard let cookie = message.replyCookie, let index = pending.removeValue(forKey: cookie)
      else { continue }
      let request = requests[index]
      if let error = message.error(call: request.call, subject: request.subject) {
        results[index] = .failure(error)
      } else {
        results[index] = .success(message)
      }
    }
    return results.map { $0! }
  }

  /// The next incoming message no handler consumed (a reply, a signal), or nil once
  /// `deadline` passed. `sd_bus_process`, `sd_bus_wait`
  func next(until deadline: Deadline) throws(SystemdError) -> BusMessage? {
    while true {
      var message: OpaquePointer? = nil
      let processed = try check("sd_bus_process", peer, sd_bus_process(bus, &message))
      if let message { return BusMessage(owning: message) }
      if processed > 0 { continue }
      guard let remaining = deadline.remainingMicroseconds else { return nil }
      let waited = sd_bus_wait(bus, remaining)
      if waited < 0 && waited != -EINTR { try check("sd_bus_wait", peer, waited) }
    }
  }

  /// Installs a match rule for signals (on the broker too, when there is one) for the life of
  /// this connection; matching signals are then returned by `next(until:)`.
  /// `sd_bus_add_match`
  func addMatch(_ rule: String) throws(SystemdError) {
    // A callback that claims nothing, so sd_bus_process() hands the signal to `next(until:)`.
    let passThrough: sd_bus_message_handler_t = { _, _, _ in 0 }
    try check("sd_bus_add_match", rule, sd_bus_add_match(bus, nil, rule, passThrough, nil))
  }
}

/// A point in time on the monotonic clock, for waits with a timeout.
struct Deadline {
  /// Microseconds on `CLOCK_MONOTONIC`.
  let microseconds: UInt64

  /// The deadline `seconds` from now.
  init(seconds: Double) {
    microseconds = Deadline.now() + UInt64(max(0, seconds) * 1_000_000)
  }

  /// Microseconds left, or nil when the deadline passed.
  var remainingMicroseconds: UInt64? {
    let now = Deadline.now()
    return now < microseconds ? microseconds - now : nil
  }

  /// The current `CLOCK_MONOTONIC` time in microseconds. `clock_gettime`
  static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
  }
}
