import Foundation

extension TestBed {
  /// `scripts/testbed` of this package, or `TESTBED_SCRIPT` when set.
  static var scriptPath: String {
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

  /// Runs the script without blocking a thread while it runs.
  ///
  /// Output goes to temporary files rather than pipes: a pipe would stay open as long as
  /// any process that inherited it, and Foundation's `Process` can then wait forever.
  static func runScript(_ arguments: [String], input: [UInt8]? = nil) async throws -> Output {
    let files = try ScratchFiles(input: input)
    defer { files.remove() }
    let process = try files.process(scriptPath, arguments)
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { finished in
        continuation.resume(returning: exitStatus(of: finished))
      }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: error)
      }
    }
    return try files.output(status: status)
  }

  /// Runs the script and blocks until it ends; for `deinit`, which cannot wait otherwise.
  static func runScriptSynchronously(_ arguments: [String]) throws -> Output {
    let files = try ScratchFiles(input: nil)
    defer { files.remove() }
    let process = try files.process(scriptPath, arguments)
    try process.run()
    process.waitUntilExit()
    return try files.output(status: exitStatus(of: process))
  }

  private static func exitStatus(of process: Process) -> Int32 {
    process.terminationReason == .uncaughtSignal
      ? 128 + process.terminationStatus : process.terminationStatus
  }
}

/// The files one script run reads its input from and writes its output to.
private struct ScratchFiles {
  let directory: URL

  init(input: [UInt8]?) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("testbed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    for name in ["stdout", "stderr"] {
      try Data().write(to: directory.appendingPathComponent(name))
    }
    if let input { try Data(input).write(to: directory.appendingPathComponent("stdin")) }
  }

  func process(_ executable: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = directory.appendingPathComponent("stdin")
    process.standardInput =
      FileManager.default.fileExists(atPath: stdin.path)
      ? try FileHandle(forReadingFrom: stdin) : FileHandle.nullDevice
    process.standardOutput = try FileHandle(
      forWritingTo: directory.appendingPathComponent("stdout"))
    process.standardError = try FileHandle(
      forWritingTo: directory.appendingPathComponent("stderr"))
    return process
  }

  func output(status: Int32) throws -> TestBed.Output {
    func read(_ name: String) throws -> String {
      String(decoding: try Data(contentsOf: directory.appendingPathComponent(name)), as: UTF8.self)
    }
    return TestBed.Output(status: status, stdout: try read("stdout"), stderr: try read("stderr"))
  }

  func remove() {
    try? FileManager.default.removeItem(at: directory)
  }
}
