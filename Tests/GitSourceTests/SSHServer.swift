import Glibc
import SystemCalls
import TestSupport

/// A real OpenSSH server on a free loopback port, serving this machine's file system to root
/// over public-key authentication, with its own host key and configuration in the test's
/// scratch directory (the machine's `/etc/ssh` is not read). Stopped when the value goes
/// away.
final class SSHServer {
  let port: Int
  /// The server's host key, as `HOST TYPE BASE64` would follow in a known_hosts line.
  let hostKey: String
  /// The host key's fingerprint as `ssh-keygen -l` prints it (`SHA256:...`).
  let fingerprint: String
  /// A private key the server accepts for root.
  let clientKey: String
  private let pid: pid_t

  /// Generates a host key (`hostKeyType`) and a client key, writes `sshd_config`, starts
  /// `/usr/sbin/sshd` (it detaches) and waits until it answers `ssh-keyscan`.
  init(scratch: ScratchDirectory, hostKeyType: String = "ed25519") throws {
    let directory = try scratch.sub("sshd")
    port = try GitDaemon.freePort()
    let hostKeyFile = directory + "/host_key"
    clientKey = directory + "/client_key"
    try run(["ssh-keygen", "-q", "-t", hostKeyType, "-N", "", "-C", "", "-f", hostKeyFile])
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", clientKey])
    hostKey = try sh("cut -d ' ' -f 1,2 '\(hostKeyFile).pub'").trimmingCharacters()
    fingerprint = String(
      try sh("ssh-keygen -l -f '\(hostKeyFile).pub'").split(separator: " ")[1])
    try sh("cp '\(clientKey).pub' '\(directory)/authorized_keys'")
    try scratch.write(
      "sshd/sshd_config",
      """
      ListenAddress 127.0.0.1
      Port \(port)
      HostKey \(hostKeyFile)
      PidFile \(directory)/sshd.pid
      AuthorizedKeysFile \(directory)/authorized_keys
      StrictModes no
      UsePAM no
      PermitRootLogin prohibit-password
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      AllowUsers root
      LogLevel VERBOSE

      """)
    // sshd wants its privilege separation directory, which the package's service creates.
    try sh("mkdir -p /run/sshd")
    try run([
      "/usr/sbin/sshd", "-f", directory + "/sshd_config", "-E", directory + "/sshd.log",
    ])
    var found: pid_t = 0
    var answered = false
    for _ in 0..<200 {
      if found == 0, let text = try? sh("cat '\(directory)/sshd.pid' 2>/dev/null") {
        found = pid_t(text.trimmingCharacters()) ?? 0
      }
      if found != 0, (try? sh("ssh-keyscan -p \(port) 127.0.0.1 2>/dev/null"))?.isEmpty == false {
        answered = true
        break
      }
      usleep(25_000)
    }
    pid = found
    guard answered else {
      stop()
      throw CommandFailed(
        command: ["/usr/sbin/sshd"],
        result: SubprocessResult(
          status: 1, stdout: [],
          stderr: Array(((try? scratch.read("sshd/sshd.log")) ?? "no log").utf8)))
    }
  }

  /// The known_hosts line for this server: `[127.0.0.1]:PORT TYPE BASE64`.
  var knownHostsLine: String { "[127.0.0.1]:\(port) \(hostKey)" }

  /// `ssh://root@127.0.0.1:PORT/path`.
  func url(_ path: String) -> String { "ssh://root@127.0.0.1:\(port)\(path)" }

  /// Stops the server and waits until it is gone.
  func stop() {
    guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
    for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
  }

  deinit { stop() }
}
