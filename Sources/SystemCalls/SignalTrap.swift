import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The last signal the trap caught, 0 for none: a signal handler may only touch an atomic.
private let caughtSignal = Atomic<Int32>(0)

/// Catches the signals that would end this process while it owns a terminal (hangup,
/// termination, interrupt, quit), so that it can pass them on and put the terminal back
/// instead of dying in raw mode. Handlers are process-wide: one trap at a time.
public struct SignalTrap: ~Copyable {
  /// The signals caught.
  public static let signals: [Int32] = [SIGHUP, SIGTERM, SIGINT, SIGQUIT]

  private var previous: [(Int32, sigaction)] = []

  /// Installs the handlers, remembering the actions they replace. `sigaction(2)`
  public init() throws(SystemCallError) {
    caughtSignal.store(0, ordering: .relaxed)
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { caughtSignal.store($0, ordering: .relaxed) }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: a blocking call returns EINTR
    for signal in Self.signals {
      var old = sigaction()
      guard sigaction(signal, &action, &old) == 0 else {
        restore()
        throw SystemCallError("sigaction")
      }
      previous.append((signal, old))
    }
  }

  /// The signal caught since the last call, if any, cleared.
  public func take() -> Int32? {
    let signal = caughtSignal.exchange(0, ordering: .relaxed)
    return signal == 0 ? nil : signal
  }

  /// Puts the replaced actions back. `sigaction(2)`
  public mutating func restore() {
    for (signal, old) in previous {
      var action = old
      _ = sigaction(signal, &action, nil)
    }
    previous = []
  }

  deinit {
    for (signal, old) in previous {
      var action = old
      _ = sigaction(signal, &action, nil)
    }
  }
}
