import ArgumentParser
import Core
import FoundationEssentials
import SystemCalls

/// `reconcile exec USER -- COMMAND...`: runs a command as a user the way a login would, so
/// that `reconcile exec matrix -- podman ps` works from a root shell.
struct ExecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec",
    abstract: "Run a command as a managed user, with the environment a login gives it.",
    discussion: """
      The command runs with the user's IDs and groups (setpriv), in its home, with HOME, USER, \
      LOGNAME, PATH, XDG_RUNTIME_DIR=/run/user/UID and DBUS_SESSION_BUS_ADDRESS set and nothing \
      else of the caller's environment: what rootless podman and `systemctl --user` need. \
      The command's exit status is reconcile's. With a terminal on standard input the command \
      gets a new terminal of its own, relayed to yours (never yours itself); without one it \
      gets none.

      Example: reconcile exec matrix -- podman ps
      """)

  @Argument(help: "The user to run the command as (not root).")
  var user: String

  @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
  var command: [String] = []

  func validate() throws {
    guard !command.isEmpty else {
      throw ValidationError("name a command after --: reconcile exec \(user) -- podman ps")
    }
  }

  func run() throws {
    let passwd: AccountTable<PasswdEntry>
    do {
      passwd = try AccountFiles(fs: RootedFileSystem(root: "/")).passwd()
    } catch {
      throw ValidationError("cannot read /etc/passwd: \(error)")
    }
    guard let entry = passwd.entry(named: user) else {
      throw ValidationError("there is no user '\(user)'")
    }
    guard entry.uid != 0 else {
      throw ValidationError("reconcile exec runs commands as other users, not as root")
    }
    let session = UserSession(entry)
    var environment = session.environment
    if let term = ProcessInfo.processInfo.environment["TERM"], isTerminal(0) {
      environment["TERM"] = term
    }
    let home =
      (try? RootedFileSystem(root: "/").status(HostPath(entry.home) ?? .root))??.kind == .directory
    let directory = home ? entry.home : "/"
    do {
      guard isTerminal(0) else {
        try ProcessImage.replace(
          session.commandLine(command), environment: environment, directory: directory)
      }
      // A terminal of its own: the user's program must not get root's (TIOCSTI).
      let status = try Subprocess.runOnTerminal(
        session.commandLine(command), environment: environment, directory: directory,
        owner: entry.uid)
      if status != 0 { throw ExitCode(status) }
    } catch let error as SystemCallError {
      Terminal.error("reconcile exec: cannot run \(UserSession.setpriv): \(error)\n")
      throw ExitCode(ExitCodes.failure)
    }
  }
}
