import Glibc
import SystemCalls
import TestSupport

/// `git daemon` serving a directory on a free loopback port, stopped when the value goes away.
final class GitDaemon {
  let port: Int
  private let pid: pid_t

  /// Starts the daemon detached, and waits until `repository` (a directory name under
  /// `basePath`) answers `git ls-remote`.
  init(basePath: String, repository: String, scratch: ScratchDirectory) throws {
    port = try Self.freePort()
    let pidFile = scratch.path + "/git-daemon.pid"
    try run([
      "git", "daemon", "--reuseaddr", "--base-path=\(basePath)", "--export-all",
      "--port=\(port)", "--listen=127.0.0.1", "--detach", "--pid-file=\(pidFile)", basePath,
    ])
    var found: pid_t = 0
    for _ in 0..<100 {
      if let text = try? sh("cat '\(pidFile)' 2>/dev/null"),
        let value = pid_t(text.trimmingCharacters())
      {
        found = value
        break
      }
      usleep(20_000)
    }
    pid = found
    for _ in 0..<100 {
      if (try? run(["git", "ls-remote", "git://127.0.0.1:\(port)/\(repository)"])) != nil {
        return
      }
      usleep(50_000)
    }
    stop()
    throw CommandFailed(
      command: ["git", "daemon"], result: SubprocessResult(status: 1, stdout: [], stderr: []))
  }

  /// Stops the daemon and waits for the port to close.
  func stop() {
    guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
    for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
  }

  deinit { stop() }

  /// A loopback TCP port nobody listens on now. `bind(2)` to port 0, `getsockname(2)`
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SystemCallError("socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw SystemCallError("bind") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
