import SystemCalls

/// What a login would give a managed user: the identity, the environment (`HOME`, `USER`,
/// `LOGNAME`, `PATH`, `XDG_RUNTIME_DIR`, the user bus) and a way to run programs as that user
/// with root's privileges dropped (`setpriv --reuid --regid --init-groups`), never as root in
/// the user's home. Rootless podman needs exactly this: a plain `su` leaves
/// `XDG_RUNTIME_DIR` unset and podman then puts its runtime files in the wrong place.
public struct UserSession: Sendable, Hashable {
  /// The login name.
  public var name: String
  public var uid: UInt32
  /// The primary group.
  public var gid: UInt32
  /// The home folder from `/etc/passwd`.
  public var home: String

  /// The program that drops privileges (util-linux).
  public static let setpriv = "/usr/bin/setpriv"
  /// The `PATH` every user program gets.
  public static let path = "/usr/local/bin:/usr/bin:/bin"

  /// The session of a `/etc/passwd` entry.
  public init(_ entry: PasswdEntry) {
    name = entry.name
    uid = entry.uid
    gid = entry.gid
    home = entry.home
  }

  /// The user's runtime folder, which logind creates while the user is logged in or lingers.
  public var runtimeDirectory: String { "/run/user/\(uid)" }

  /// The environment a login gives the user (pam_systemd and login(1)), in the C.UTF-8
  /// locale so that messages are English and stable.
  public var environment: [String: String] {
    [
      "HOME": home, "USER": name, "LOGNAME": name, "PATH": Self.path, "LANG": "C.UTF-8",
      "XDG_RUNTIME_DIR": runtimeDirectory,
      "DBUS_SESSION_BUS_ADDRESS": "unix:path=\(runtimeDirectory)/bus",
    ]
  }

  /// The command line that runs `argv` as the user: `setpriv` with the user's IDs and
  /// supplementary groups, then `argv` (looked up in the user's `PATH`).
  public func commandLine(_ argv: [String]) -> [String] {
    [Self.setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"] + argv
  }

  /// Runs `argv` as the user with the login environment, from the folder `/` (root's working
  /// folder may be closed to the user), and waits at most `timeout` seconds.
  /// Only meaningful on the host itself (`--root /`): the program runs on the real system.
  public func run(_ argv: [String], input: [UInt8]? = nil, timeout: Double) throws(UserCommandError)
    -> UserCommandResult
  {
    let line = commandLine(["/usr/bin/env", "--chdir=/"] + argv)
    do {
      let result = try Subprocess.run(
        line, environment: environment, input: input, timeout: timeout)
      return UserCommandResult(
        status: result.status, output: result.stdoutText, errors: result.stderrText)
    } catch let error as SubprocessError {
      throw UserCommandError(user: name, argv: argv, status: nil, detail: "\(error)")
    } catch {
      throw UserCommandError(user: name, argv: argv, status: nil, detail: "\(error)")
    }
  }

  /// Runs `argv` as the user and returns its standard output; throws when it fails.
  @discardableResult
  public func check(_ argv: [String], input: [UInt8]? = nil, timeout: Double)
    throws(UserCommandError)
    -> String
  {
    let result = try run(argv, input: input, timeout: timeout)
    guard result.status == 0 else {
      throw UserCommandError(user: name, argv: argv, status: result.status, detail: result.errors)
    }
    return result.output
  }
}

/// How a program run as a user ended.
public struct UserCommandResult: Sendable, Hashable {
  /// The exit status, 128 + N for signal N.
  public var status: Int32
  /// Standard output.
  public var output: String
  /// Standard error.
  public var errors: String
}

/// A program run as a user could not start, timed out or failed.
public struct UserCommandError: Error, Sendable, CustomStringConvertible {
  public var user: String
  public var argv: [String]
  /// The exit status when it ran to the end.
  public var status: Int32?
  /// Its standard error, or why it did not run.
  public var detail: String

  public init(user: String, argv: [String], status: Int32?, detail: String) {
    self.user = user
    self.argv = argv
    self.status = status
    self.detail = detail
  }

  public var description: String {
    var text = "`\(argv.joined(separator: " "))` as \(user) failed"
    if let status { text += " with exit status \(status)" }
    let lines = detail.split(separator: "\n").map { $0.trimmingPrefix(" ") }.filter { !$0.isEmpty }
    if !lines.isEmpty { text += ": " + lines.suffix(5).joined(separator: "; ") }
    return text
  }
}
