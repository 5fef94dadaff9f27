#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a finished child process left behind.
public struct SubprocessResult: Sendable, Equatable {
  /// The exit code, or 128 + the signal number when a signal ended the child.
  public var status: Int32
  /// Everything the child wrote to its standard output.
  public var stdout: [UInt8]
  /// Everything the child wrote to its standard error.
  public var stderr: [UInt8]

  /// Creates a result.
  public init(status: Int32, stdout: [UInt8], stderr: [UInt8]) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }

  /// Whether the child exited with status 0.
  public var succeeded: Bool { status == 0 }

  /// Standard output decoded as UTF-8 (invalid bytes replaced).
  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

  /// Standard error decoded as UTF-8 (invalid bytes replaced).
  public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A child process that could not be started, or did not finish in time.
public struct SubprocessError: Error, Sendable, CustomStringConvertible {
  /// Why the run failed.
  public enum Reason: Sendable, Equatable {
    /// `posix_spawn(p)` or a setup call failed with this `errno`.
    case spawn(call: String, code: Int32)
    /// The child outlived its timeout (in seconds) and was killed with `SIGKILL`.
    case timedOut(seconds: Double)
  }

  /// The command line that was run.
  public var argv: [String]
  /// Why it failed.
  public var reason: Reason
  /// What the child had written before it was killed (timeouts only).
  public var partial: SubprocessResult?

  public var description: String {
    let command = argv.joined(separator: " ")
    switch reason {
    case .spawn(let call, let code):
      return "could not run \(command): \(call): \(String(cString: strerror(code)))"
    case .timedOut(let seconds):
      return "\(command) did not finish within \(seconds) seconds and was killed"
    }
  }
}

/// Runs programs without a shell, without pipes and without leaking descriptors.
///
/// The child's standard output and error go to anonymous in-memory files (`memfd_create`,
/// or an unlinked file in `/tmp` where that is missing) that are read back after it exits.
/// A child that leaves a daemon behind holding those descriptors therefore cannot make the
/// caller wait for end-of-file, as it would with pipes. Every other descriptor is closed in
/// the child, signal dispositions and mask are reset, and the environment holds exactly
/// what the caller passes.
public enum Subprocess {
  /// Runs `argv` and waits for it. `argv[0]` is an absolute path, or a name looked up in
  /// this process's `PATH` (not the child's). The child's environment is exactly
  /// `environment` (empty when `nil`); its standard input is `input`, or `/dev/null`.
  /// With a `timeout` (seconds) a child still running then is killed with `SIGKILL` and
  /// `SubprocessError` with `.timedOut` is thrown.
  /// `memfd_create(2)`, `posix_spawn(3)`, `posix_spawnp(3)`, `waitpid(2)`
  public static func run(
    _ argv: [String],
    environment: [String: String]? = nil,
    input: [UInt8]? = nil,
    timeout: Double? = nil
  ) throws -> SubprocessResult {
    precondition(!argv.isEmpty, "Subprocess.run needs a program")
    func failure(_ call: String, _ code: Int32) -> SubprocessError {
      SubprocessError(argv: argv, reason: .spawn(call: call, code: code))
    }

    let stdin: Descriptor
    if let input {
      stdin = try anonymousFile(argv)
      try stdin.writeAll(input)
      guard lseek(stdin.raw, 0, SEEK_SET) == 0 else { throw failure("lseek", errno) }
    } else {
      stdin = try Descriptor.open("/dev/null", flags: O_RDONLY)
    }
    let stdout = try anonymousFile(argv)
    let stderr = try anonymousFile(argv)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on the copy, so 0, 1 and 2 survive the exec.
    for (fd, target) in [(stdin.raw, 0), (stdout.raw, 1), (stderr.raw, 2)] {
      let code = posix_spawn_file_actions_adddup2(&actions, fd, Int32(target))
      if code != 0 { throw failure("posix_spawn_file_actions_adddup2", code) }
    }
    try closeOthers(&actions, argv)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    resetSignals(&attributes)

    let environmentLines = (environment ?? [:]).sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
    var pid: pid_t = 0
    let code = withCStrings(argv) { cArgv in
      withCStrings(environmentLines) { cEnvironment in
        if argv[0].contains("/") {
          return posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnvironment)
        }
        return posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnvironment)
      }
    }
    if code != 0 { throw failure(argv[0].contains("/") ? "posix_spawn" : "posix_spawnp", code) }

    let status = try wait(for: pid, timeout: timeout, argv)
    let result = SubprocessResult(
      status: status ?? 128 + SIGKILL,
      stdout: try readBack(stdout, argv),
      stderr: try readBack(stderr, argv))
    if status == nil, let timeout {
      throw SubprocessError(argv: argv, reason: .timedOut(seconds: timeout), partial: result)
    }
    return result
  }

  /// Waits for `pid`; `nil` when it was killed at the timeout. `waitpid(2)`, `kill(2)`
  private static func wait(for pid: pid_t, timeout: Double?, _ argv: [String]) throws -> Int32? {
    var raw: Int32 = 0
    guard let timeout else {
      while waitpid(pid, &raw, 0) == -1 {
        guard errno == EINTR else {
          throw SubprocessError(argv: argv, reason: .spawn(call: "waitpid", code: errno))
        }
      }
      return decode(raw)
    }
    let deadline = monotonicSeconds() + timeout
    var pause = 0.0005
    while true {
      let done = waitpid(pid, &raw, WNOHANG)
      if done == pid { return decode(raw) }
      if done == -1 && errno != EINTR {
        throw SubprocessError(argv: argv, reason: .spawn(call: "waitpid", code: errno))
      }
      if monotonicSeconds() >= deadline {
        kill(pid, SIGKILL)
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        return nil
      }
      var interval = timespec(tv_sec: 0, tv_nsec: Int(pause * 1e9))
      nanosleep(&interval, nil)
      pause = min(pause * 2, 0.02)
    }
  }

  /// The exit code, or 128 + signal, from a `waitpid` status word.
  static func decode(_ raw: Int32) -> Int32 {
    let signal = raw & 0x7f
    return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
  }

  /// Seconds on the monotonic clock. `clock_gettime(2)`
  private static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  /// Rewinds and reads a capture file. `lseek(2)`, `read(2)`
  private static func readBack(_ file: borrowing Descriptor, _ argv: [String]) throws -> [UInt8] {
    guard lseek(file.raw, 0, SEEK_SET) == 0 else {
      throw SubprocessError(argv: argv, reason: .spawn(call: "lseek", code: errno))
    }
    return try file.readAll()
  }

  /// A nameless read-write file, close-on-exec. `memfd_create(2)`, or `open(2)` with
  /// `O_TMPFILE` in `/tmp` where glibc lacks it.
  private static func anonymousFile(_ argv: [String]) throws -> Descriptor {
    if let memfdCreate = LibC.memfdCreate {
      let fd = memfdCreate("reconcile-subprocess", 1 /* MFD_CLOEXEC */)
      if fd >= 0 { return Descriptor(owning: fd) }
    }
    let tmpfile: Int32 = 0o20_000_000 | O_DIRECTORY  // O_TMPFILE, hidden from Swift's Glibc
    return try Descriptor.open("/tmp", flags: tmpfile | O_RDWR, mode: 0o600)
  }

  /// Adds actions closing every descriptor above 2 in the child.
  /// `posix_spawn_file_actions_addclosefrom_np(3)`, or one `addclose` per entry of
  /// `/proc/self/fd` where glibc is older than 2.34.
  static func closeOthers(
    _ actions: inout posix_spawn_file_actions_t, _ argv: [String]
  ) throws {
    if let closeFrom = LibC.addCloseFrom {
      let code = closeFrom(&actions, 3)
      if code != 0 {
        let call = "posix_spawn_file_actions_addclosefrom_np"
        throw SubprocessError(argv: argv, reason: .spawn(call: call, code: code))
      }
      return
    }
    let listing = try Descriptor.open("/proc/self/fd", flags: O_RDONLY | O_DIRECTORY)
    for name in try listing.entries() {
      guard let fd = Int32(name), fd > 2, fd != listing.raw else { continue }
      posix_spawn_file_actions_addclose(&actions, fd)
    }
  }

  /// Passes `strings` as a NULL-terminated `char *[]`.
  static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
  ) -> R {
    let copies = strings.map { strdup($0) } + [nil]
    defer { for copy in copies { free(copy) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}

extension Subprocess {

  /// Makes the child start with no signal blocked and every signal's default action, plus
  /// the spawn flags in `extra`. `posix_spawnattr_setsigmask(3)`,
  /// `posix_spawnattr_setsigdefault(3)`, `posix_spawnattr_setflags(3)`
  static func resetSignals(_ attributes: inout posix_spawnattr_t, alsoSetting extra: Int32 = 0) {
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | extra))
  }
}
