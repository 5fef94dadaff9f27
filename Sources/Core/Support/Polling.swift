import SystemCalls

/// Waiting for something the host does on its own time (a user manager logind starts, a
/// runtime folder it creates), without a busy loop.
public enum Polling {
  /// Calls `attempt` until it returns a value, at most `timeout` seconds, pausing `interval`
  /// seconds between attempts; nil when time ran out. The first attempt is immediate.
  public static func until<T>(
    timeout: Double, interval: Double = 0.2, _ attempt: () throws -> T?
  ) rethrows -> T? {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
    while true {
      if let value = try attempt() { return value }
      guard clock.now < deadline else { return nil }
      sleep(nanoseconds: Int64(interval * 1_000_000_000))
    }
  }
}
