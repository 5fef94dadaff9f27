import CSystemd
import Core

extension SystemdManagerClient {
  /// Starts `unit` and waits at most `timeout` seconds for its job. `Manager.StartUnit`
  ///
  /// `done` means the job finished, not that the unit stays up: the start job of a
  /// `Type=simple` service ends once its process is forked, so one whose `ExecStart` exits
  /// at once is `done` and then `failed`. Check `states(of:)` after starting.
  public func start(_ unit: UnitName, timeout: Double) throws -> JobResult {
    try runJob("StartUnit", unit, timeout: timeout)
  }

  /// Restarts `unit` and waits at most `timeout` seconds for its job. `Manager.RestartUnit`
  public func restart(_ unit: UnitName, timeout: Double) throws -> JobResult {
    try runJob("RestartUnit", unit, timeout: timeout)
  }

  /// Stops `unit` and waits at most `timeout` seconds for its job. `Manager.StopUnit`
  public func stop(_ unit: UnitName, timeout: Double) throws -> JobResult {
    try runJob("StopUnit", unit, timeout: timeout)
  }

  /// Queues a job with `member(unit, "replace")` and waits for its `JobRemoved` signal.
  /// Returns `JobResult("timeout")` when the job is still running after `timeout` seconds;
  /// the job is left queued (systemd's own job timeouts still apply).
  func runJob(_ member: String, _ unit: UnitName, timeout: Double) throws(SystemdError)
    -> JobResult
  {
    try session.withLock { session throws(SystemdError) in
      // Subscribe before queuing the job, or a fast job could end before we listen.
      try Self.subscribe(&session)
      session.changingCalls += 1
      let reply = try Self.callManager(session.connection, member, subject: [unit]) {
        message throws(SystemdError) in
        try message.append(unit.rawValue)
        try message.append("replace")
      }
      let job = try reply.readString("o")
      let deadline = Deadline(seconds: timeout)
      while let message = try session.connection.next(until: deadline) {
        guard message.isSignal(interface: Self.interface, member: "JobRemoved") else { continue }
        // JobRemoved(u id, o job, s unit, s result)
        _ = try message.readUInt32()
        guard try message.readString("o") == job else { continue }
        _ = try message.readString()
        return JobResult(try message.readString())
      }
      return JobResult("timeout")
    }
  }

  /// Asks the manager for signals (once per connection) and matches `JobRemoved`.
  /// `Manager.Subscribe`, `sd_bus_add_match`
  static func subscribe(_ session: inout Session) throws(SystemdError) {
    guard !session.subscribed else { return }
    let connection = session.connection
    // On the system bus anyone may emit a signal: only believe the manager's own.
    let sender = connection.isBusClient ? "sender='\(destination)'," : ""
    try connection.addMatch(
      "type='signal',\(sender)path='\(path)',interface='\(interface)',member='JobRemoved'")
    _ = try callManager(connection, "Subscribe")
    session.subscribed = true
  }
}
