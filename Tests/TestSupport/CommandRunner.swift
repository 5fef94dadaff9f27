import Foundation
import SystemCalls

/// The result of running a program in a test.
public struct CommandResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// Runs programs from tests (test code only; the product uses SystemCalls' spawner).
public enum TestCommand {
  /// Runs `arguments[0]` (a path, or a name found on PATH) with the rest as arguments.
  @discardableResult
  public static func run(
    _ arguments: [String], environment: [String: String]? = nil, input: String? = nil,
    workingDirectory: String? = nil
  ) throws -> CommandResult {
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (key, value) in environment ?? [:] { env[key] = value }
    // SystemCalls' spawner rather than Foundation's `Process`, which sometimes misses a
    // child's exit when many run at once and then waits forever.
    var argv = arguments
    if let workingDirectory { argv = ["/usr/bin/env", "--chdir=\(workingDirectory)", "--"] + argv }
    let result = try Subprocess.run(argv, environment: env, input: input.map { Array($0.utf8) })
    return CommandResult(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
  }

  /// The `reconcile` binary built beside the tests.
  public static var reconcile: String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [beside, beside.deletingLastPathComponent()] {
      let path = candidate.appendingPathComponent("reconcile").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return "\(packageRoot)/.build/debug/reconcile"
  }

  /// Runs the reconcile binary with `arguments`.
  @discardableResult
  public static func reconcile(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
    try run([reconcile] + arguments, environment: environment)
  }
}
