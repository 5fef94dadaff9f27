import CGit2

#if canImport(Glibc)
import Glibc
#endif

/// A deadline for the network part of a fetch, which libgit2 1.5 cannot bound itself: it has
/// no connect, read or server timeout, and a remote that accepts a connection and never
/// answers would block `recv(2)` forever.
///
/// From the deadline on, a per-thread POSIX timer sends `SIGURG` to the thread that made the
/// deadline, then again every 100 ms until the deadline is ended; the thread has `SIGURG`
/// unblocked meanwhile (pool threads block it), and gets its signal mask back at the end.
/// The signal's handler is installed without `SA_RESTART`, so a `connect`, `recv` or `send`
/// blocked in libgit2 (or libssh2, mbedTLS) returns `EINTR`, which they report as a failed
/// call; the fetch's progress callbacks also abort once `hasPassed`. `SIGURG` is ignored by default,
/// so a signal that arrives after the timer is deleted changes nothing.
///
/// `EINTR` is not enough during an SSH handshake and authentication: libssh2 reports the
/// interrupted `poll` as `LIBSSH2_ERROR_TIMEOUT`, and libgit2 1.5 calls it again for as long
/// as it says so, so an SSH server that accepts and never speaks would hold the fetch
/// forever. Each signal therefore carries the remote's TCP port (`sigev_value`), and the
/// handler shuts down (`shutdown(2)`, async-signal-safe) every TCP socket of the process
/// whose peer has that port: the blocked `poll` returns, `recv` reads end-of-file and the
/// connection fails. libgit2 does not say which socket is its own; in reconcile the fetch
/// is the only TCP connection, but another one to the same port would be cut as well.
///
/// `~Copyable`: the timer belongs to one value and is deleted with it. End it before the
/// fetch writes to the mirror, so that no write is interrupted.
/// `timer_create(2)` (`SIGEV_THREAD_ID`), `timer_settime(2)`, `sigaction(2)`,
/// `pthread_sigmask(3)`, `getpeername(2)`, `shutdown(2)`
struct FetchDeadline: ~Copyable {
  /// When the deadline passes, in `CLOCK_MONOTONIC` nanoseconds.
  let end: Int64
  /// The kernel's timer ID as a pointer. Linux numbers a process's timers from 0, so the
  /// first one is a null pointer: it is still a timer, and must still be deleted.
  private let timer: timer_t?
  /// The thread's signal mask before `SIGURG` was unblocked, restored with the deadline.
  private let savedMask: sigset_t

  /// Arms the deadline `seconds` from now for the calling thread; once it has passed,
  /// TCP connections to `remotePort` are shut down.
  init(seconds: Double, remotePort: Int? = nil) throws {
    _ = Self.handlerInstalled
    let end = Self.monotonicNow() + Int64(seconds * 1e9)
    var event = sigevent()
    event.sigev_notify = Int32(SIGEV_THREAD_ID)
    event.sigev_signo = SIGURG
    event.sigev_value.sival_int = Int32(remotePort ?? 0)
    event._sigev_un._tid = cgit2_thread_id()
    var created: timer_t?
    guard timer_create(CLOCK_MONOTONIC, &event, &created) == 0 else {
      throw MirrorError(
        operation: "arming the fetch deadline",
        reason: "timer_create failed: \(String(cString: strerror(errno)))")
    }
    let whole = Int(seconds.rounded(.down))
    var schedule = itimerspec(
      it_interval: timespec(tv_sec: 0, tv_nsec: 100_000_000),
      it_value: timespec(
        tv_sec: whole, tv_nsec: max(1, Int((seconds - Double(whole)) * 1e9))))
    guard timer_settime(created, 0, &schedule, nil) == 0 else {
      let message = String(cString: strerror(errno))
      timer_delete(created)
      throw MirrorError(
        operation: "arming the fetch deadline", reason: "timer_settime failed: \(message)")
    }
    // Threads of a pool (libdispatch's, Swift concurrency's) run with most signals blocked.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGURG)
    var previous = sigset_t()
    pthread_sigmask(SIG_UNBLOCK, &unblock, &previous)
    self.end = end
    timer = created
    savedMask = previous
  }

  deinit {
    timer_delete(timer)  // even when nil: that is timer 0
    var mask = savedMask
    pthread_sigmask(SIG_SETMASK, &mask, nil)
  }

  /// Whether the deadline has passed.
  var hasPassed: Bool { Self.monotonicNow() >= end }

  /// Installs the handler, once per process: it interrupts, and a deadline timer's signal
  /// shuts down the connections to the remote's port.
  private static let handlerInstalled: Void = {
    var action = sigaction()
    action.__sigaction_handler.sa_sigaction = { _, info, _ in
      guard let info, info.pointee.si_code == SI_TIMER else { return }
      let port = info.pointee._sifields._timer.si_sigval.sival_int
      if port > 0 { FetchDeadline.shutDownConnections(toPort: UInt16(truncatingIfNeeded: port)) }
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_SIGINFO  // no SA_RESTART: the blocked call must fail with EINTR
    sigaction(SIGURG, &action, nil)
  }()

  /// Shuts down every TCP socket whose peer has `port`, among descriptors below 4096. Called
  /// from the signal handler: only async-signal-safe calls, no allocation.
  /// `getpeername(2)`, `shutdown(2)`
  private static func shutDownConnections(toPort port: UInt16) {
    var address = sockaddr_in6()  // large enough for IPv4 and IPv6; the port is at the same offset
    for fd in Int32(0)..<4096 {
      var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
      let found = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
      }
      let family = Int32(address.sin6_family)
      guard found, family == AF_INET || family == AF_INET6,
        UInt16(bigEndian: address.sin6_port) == port
      else { continue }
      shutdown(fd, Int32(SHUT_RDWR))
    }
  }

  /// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds.
  static func monotonicNow() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }
}
