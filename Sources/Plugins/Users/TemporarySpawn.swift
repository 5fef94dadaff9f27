// TODO(subprocess): replace with SystemCalls' `Subprocess.run(argv, environment:, input:,
// timeout:)` once it lands (another branch adds it) and Core exposes it to plugins. This file
// is the only one in the plugin that imports the C library, and only for this stopgap.
#if canImport(Glibc)
  import Glibc
#endif

/// The outcome of a finished child process.
struct SpawnResult: Sendable {
  /// The exit status, or 128 + the signal number when a signal ended the child.
  var status: Int32
  var stdout: [UInt8]
  var stderr: [UInt8]
  var timedOut: Bool
}

/// A failure to start or watch a child process: the call that failed and its `errno`.
struct SpawnError: Error, Sendable, CustomStringConvertible {
  var call: String
  var code: Int32
  var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// Runs `argv` (absolute program path first) with exactly `environment`, stdin from
/// `/dev/null`, and collects stdout and stderr; kills the child after `timeout` seconds.
/// `posix_spawn(3)`, `poll(2)`, `waitpid(2)`
func temporarySpawn(_ argv: [String], environment: [String], timeout: Double) throws(SpawnError)
  -> SpawnResult
{
  var outPipe: [Int32] = [-1, -1]
  var errPipe: [Int32] = [-1, -1]
  // pipe2(O_CLOEXEC) is not visible from Swift's Glibc module; a concurrent spawn on another
  // thread could inherit these ends for a moment, which this stopgap accepts.
  guard pipe(&outPipe) == 0 else { throw SpawnError(call: "pipe", code: errno) }
  guard pipe(&errPipe) == 0 else {
    let code = errno
    close(outPipe[0])
    close(outPipe[1])
    throw SpawnError(call: "pipe", code: code)
  }
  for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
  defer {
    close(outPipe[0])
    close(errPipe[0])
  }

  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
  posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var noSignals = sigset_t()
  sigemptyset(&noSignals)
  var allSignals = sigset_t()
  sigfillset(&allSignals)
  posix_spawnattr_setsigmask(&attributes, &noSignals)
  posix_spawnattr_setsigdefault(&attributes, &allSignals)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

  let cArguments = argv.map { strdup($0) } + [nil]
  let cEnvironment = environment.map { strdup($0) } + [nil]
  defer { (cArguments + cEnvironment).forEach { free($0) } }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
  close(outPipe[1])
  close(errPipe[1])
  guard spawned == 0 else { throw SpawnError(call: "posix_spawn(\(argv[0]))", code: spawned) }

  var result = SpawnResult(status: -1, stdout: [], stderr: [], timedOut: false)
  var open = [outPipe[0], errPipe[0]]
  let deadline = monotonicSeconds() + timeout
  var buffer = [UInt8](repeating: 0, count: 16384)
  while !open.isEmpty {
    let remaining = deadline - monotonicSeconds()
    if remaining <= 0 {
      result.timedOut = true
      kill(pid, SIGKILL)
      break
    }
    var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000)) + 1)
    if ready < 0 {
      if errno == EINTR { continue }
      throw SpawnError(call: "poll", code: errno)
    }
    for fd in fds where fd.revents != 0 {
      let n = read(fd.fd, &buffer, buffer.count)
      if n > 0 {
        if fd.fd == outPipe[0] {
          result.stdout += buffer[0..<n]
        } else {
          result.stderr += buffer[0..<n]
        }
      } else if n == 0 || errno != EINTR {
        open.removeAll { $0 == fd.fd }
      }
    }
  }

  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 {
    if errno != EINTR { throw SpawnError(call: "waitpid", code: errno) }
  }
  let signal = status & 0x7F
  result.status = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
  return result
}

private func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
