import Foundation

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
    let process = Process()
    let program = arguments[0]
    if program.hasPrefix("/") || program.hasPrefix(".") {
      process.executableURL = URL(fileURLWithPath: program)
      process.arguments = Array(arguments.dropFirst())
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = arguments
    }
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (key, value) in environment ?? [:] { env[key] = value }
    process.environment = env
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    let out = try ScratchDirectory("cmd")
    FileManager.default.createFile(atPath: out.join("stdout"), contents: nil)
    FileManager.default.createFile(atPath: out.join("stderr"), contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out.join("stdout")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out.join("stderr")))
    if let input {
      let pipe = Pipe()
      process.standardInput = pipe
      try process.run()
      pipe.fileHandleForWriting.write(Data(input.utf8))
      try pipe.fileHandleForWriting.close()
    } else {
      process.standardInput = FileHandle.nullDevice
      try process.run()
    }
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus, stdout: (try? out.read("stdout")) ?? "",
      stderr: (try? out.read("stderr")) ?? "")
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
