import Foundation
import SystemCalls

extension TestBed {
  /// `scripts/testbed` of this package, or `TESTBED_SCRIPT` when set.
  public static var scriptPath: String {
    if let path = ProcessInfo.processInfo.environment["TESTBED_SCRIPT"] { return path }
    return URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // TestSupport
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // the package
      .appendingPathComponent("scripts/testbed").path
  }

  /// Where the script keeps the beds (`TESTBED_RUN_DIR`, as the script reads it).
  static var runDirectory: String {
    ProcessInfo.processInfo.environment["TESTBED_RUN_DIR"] ?? "/var/tmp/reconcile-testbed"
  }

  /// Runs the script on a thread of its own, so no thread of the test pool is blocked.
  ///
  /// Foundation's `Process` is not used: with many children at once it sometimes misses one's
  /// exit (its SIGCHLD) and waits forever. SystemCalls' `Subprocess` waits for its own PID,
  /// and its output goes to in-memory files, which a daemon the script leaves behind cannot
  /// hold open.
  static func runScript(_ arguments: [String], input: [UInt8]? = nil) async throws -> Output {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        do {
          continuation.resume(returning: try runScriptSynchronously(arguments, input: input))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }

  /// Runs the script and blocks until it ends; for `deinit`, which cannot wait otherwise.
  static func runScriptSynchronously(_ arguments: [String], input: [UInt8]? = nil) throws
    -> Output
  {
    let result = try Subprocess.run(
      [scriptPath] + arguments, environment: ProcessInfo.processInfo.environment, input: input)
    return Output(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
  }
}
