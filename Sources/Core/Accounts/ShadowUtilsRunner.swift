import SystemCalls

/// Runs `ShadowCommand`s and turns a failure into a `ShadowUtilsError` that names the
/// command and quotes its stderr.
public struct ShadowUtilsRunner: Sendable {
  /// How long one command may take before it is killed, in seconds. shadow-utils waits up to
  /// 15 s for `/etc/.pwd.lock`, so this leaves room for one such wait.
  public var timeout: Double

  /// The environment every command gets: a fixed `PATH` and the C locale, so messages are
  /// in English and nothing from the caller's environment leaks in.
  public static let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"]

  /// Creates a runner.
  public init(timeout: Double = 60) { self.timeout = timeout }

  /// Runs `command` and returns what it wrote on stderr (usermod warns there without
  /// failing); throws when it could not start, timed out or exited with a non-zero status.
  @discardableResult
  public func run(_ command: ShadowCommand) throws(ShadowUtilsError) -> String {
    let result: SubprocessResult
    do {
      result = try Subprocess.run(command.argv, environment: Self.environment, timeout: timeout)
    } catch let error as SubprocessError {
      let stderr = error.partial?.stderrText ?? ""
      switch error.reason {
      case .timedOut:
        throw ShadowUtilsError(
          command: command, status: nil, stderr: stderr,
          reason: "it did not finish within \(Int(timeout)) seconds and was killed")
      case .spawn(let call, let code):
        throw ShadowUtilsError(
          command: command, status: nil, stderr: stderr,
          reason: "\(SystemCallError(call, subject: command.executable, code: code))")
      }
    } catch {
      throw ShadowUtilsError(command: command, status: nil, stderr: "", reason: "\(error)")
    }
    let stderr = result.stderrText
    guard result.status == 0 else {
      throw ShadowUtilsError(command: command, status: result.status, stderr: stderr, reason: nil)
    }
    return stderr
  }
}

/// A shadow-utils command that failed: the command line, its exit status and its stderr.
public struct ShadowUtilsError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The command that failed.
  public var command: ShadowCommand
  /// Its exit status, or `nil` when it never ran or was killed.
  public var status: Int32?
  /// What it wrote on stderr, trimmed.
  public var stderr: String
  /// Why it failed when there is no exit status (could not start, timed out).
  public var reason: String?

  /// Creates an error.
  public init(command: ShadowCommand, status: Int32?, stderr: String, reason: String?) {
    self.command = command
    self.status = status
    self.stderr = stderr.trimmingNewlines()
    self.reason = reason
  }

  public var description: String {
    var text = "`\(command)` failed"
    if let status { text += " with exit status \(status)" }
    if let reason { text += ": \(reason)" }
    if !stderr.isEmpty { text += ": \(stderr.split(separator: "\n").joined(separator: "; "))" }
    return text
  }
}

extension String {
  fileprivate func trimmingNewlines() -> String {
    var s = Substring(self)
    while let c = s.last, c == "\n" || c == "\r" || c == " " { s.removeLast() }
    return String(s)
  }
}
