#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Subprocess {
  /// Runs `argv` (an absolute path) on a new pseudo-terminal and relays between it and this
  /// process's standard input (a terminal) and output, until the child exits; returns its
  /// exit status (128 + N for signal N).
  ///
  /// The child starts a new session whose controlling terminal is the new pseudo-terminal
  /// (it opens the terminal as a session leader), so job control works there and nothing it
  /// does reaches the caller's terminal: `TIOCSTI` can only push input into its own. The
  /// caller's terminal is in raw mode meanwhile (every key goes to the child, whose terminal
  /// interprets it) and gets its mode back afterwards; its window size is passed on, also
  /// when it changes. A hangup, termination, interrupt or quit signal sent to this process
  /// is passed on to the child's session, and the relay goes on until the child exits, so
  /// the caller's terminal is never left raw. The other side of the pseudo-terminal belongs
  /// to `owner`. The environment is exactly `environment`; the working folder is `directory`
  /// (this process changes to it first). `chdir(2)`, `posix_spawn(3)` with
  /// `POSIX_SPAWN_SETSID`, `poll(2)`, `read(2)`, `write(2)`, `kill(2)`, `waitpid(2)`
  public static func runOnTerminal(
    _ argv: [String], environment: [String: String], directory: String, owner: UInt32
  ) throws(SystemCallError) -> Int32 {
    precondition(argv.first?.hasPrefix("/") == true, "runOnTerminal needs an absolute path")
    guard chdir(directory) == 0 else { throw SystemCallError("chdir", subject: directory) }
    let terminal = try PseudoTerminal.open()
    try terminal.giveOwnership(to: owner)
    var size = winsize()
    terminal.copyWindowSize(from: 0, previous: &size)
    let trap = try SignalTrap()
    let pid = try spawnSessionLeader(argv, environment: environment, terminal: terminal.path)
    let mode = try? TerminalMode(of: 0)
    try? mode?.makeRaw()
    defer { mode?.restore() }
    return try relay(terminal, child: pid, size: &size, trap: trap)
  }

  /// Starts `argv` in a new session with `path` as its standard input, output, error and
  /// controlling terminal. glibc's child calls `setsid` before the file actions, so opening
  /// the terminal there makes it the controlling one.
  private static func spawnSessionLeader(
    _ argv: [String], environment: [String: String], terminal path: String
  ) throws(SystemCallError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var code = posix_spawn_file_actions_addopen(&actions, 0, path, O_RDWR, 0)
    if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, 0, 1) }
    if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, 0, 2) }
    if code != 0 { throw SystemCallError("posix_spawn_file_actions", subject: path, code: code) }
    do {
      try closeOthers(&actions, argv)
    } catch {
      throw SystemCallError("posix_spawn_file_actions_addclose", code: EINVAL)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26), behind _GNU_SOURCE
    resetSignals(&attributes, alsoSetting: setsid)
    let lines = environment.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
    var pid: pid_t = 0
    code = withCStrings(argv) { cArgv in
      withCStrings(lines) { posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, $0) }
    }
    if code != 0 { throw SystemCallError("posix_spawn", subject: argv[0], code: code) }
    return pid
  }

  /// Copies standard input to the terminal and the terminal to standard output until the
  /// child has exited and its output is read; returns the child's exit status.
  ///
  /// The terminal is written without blocking: a command that never reads its input fills
  /// the terminal's input queue, and a blocking write there stopped the relay of its output
  /// too (and with it the command, once its output filled the other queue). Input not yet
  /// taken waits in `input[pending]`, and standard input is not read again until it is gone.
  private static func relay(
    _ terminal: borrowing PseudoTerminal, child pid: pid_t, size: inout winsize,
    trap: borrowing SignalTrap
  ) throws(SystemCallError) -> Int32 {
    let flags = fcntl(terminal.master.raw, F_GETFL)
    guard flags >= 0, fcntl(terminal.master.raw, F_SETFL, flags | O_NONBLOCK) == 0 else {
      throw SystemCallError("fcntl")
    }
    var inputOpen = true
    var input = [UInt8](repeating: 0, count: 65536)
    var pending = 0..<0
    var status: Int32?
    var raw: Int32 = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let masterEvents = POLLIN | (pending.isEmpty ? 0 : POLLOUT)
      var fds = [pollfd(fd: terminal.master.raw, events: Int16(masterEvents), revents: 0)]
      let readInput = inputOpen && pending.isEmpty && status == nil
      if readInput { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
      // Poll briefly once the child is gone: what it wrote is already in the buffer.
      let ready = poll(&fds, nfds_t(fds.count), status == nil ? 100 : 0)
      if ready < 0 && errno != EINTR { throw SystemCallError("poll") }
      let masterReady = ready > 0 ? fds[0].revents : 0
      var outputDone = false
      if masterReady & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
        let count = read(terminal.master.raw, &buffer, buffer.count)
        if count > 0 {
          if let code = buffer.prefix(count).withUnsafeBytes({ write(all: $0, to: 1) }) {
            throw SystemCallError("write", code: code)
          }
        } else if count == 0 || errno != EINTR && errno != EAGAIN {
          outputDone = true  // EIO: every descriptor of the other side is closed
        }
      } else if status != nil {
        outputDone = true
      }
      if masterReady & Int16(POLLOUT) != 0 && !pending.isEmpty {
        let written = input.withUnsafeBytes {
          Glibc.write(terminal.master.raw, $0.baseAddress! + pending.lowerBound, pending.count)
        }
        if written > 0 {
          pending = pending.lowerBound + written..<pending.upperBound
        } else if written < 0 && errno != EINTR && errno != EAGAIN {
          pending = 0..<0  // the other side is gone; its input with it
        }
      }
      if ready > 0 && readInput && fds[1].revents != 0 {
        let count = read(0, &input, input.count)
        if count > 0 {
          pending = 0..<count
        } else if count == 0 || errno != EINTR && errno != EAGAIN {
          inputOpen = false
        }
      }
      if let signal = trap.take(), status == nil { kill(-pid, signal) }
      if status == nil, waitpid(pid, &raw, WNOHANG) == pid { status = decode(raw) }
      if outputDone {
        if status == nil {
          while waitpid(pid, &raw, 0) == -1 {
            guard errno == EINTR else { throw SystemCallError("waitpid") }
          }
          status = decode(raw)
        }
        return status!
      }
      terminal.copyWindowSize(from: 0, previous: &size)
    }
  }

}
