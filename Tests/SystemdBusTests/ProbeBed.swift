import Foundation
import SystemCalls
import TestSupport
import Testing

// The booted-systemd bed for the SystemdBus tests, with a synchronous face over
// scripts/testbed (the same script TestSupport's TestBed drives): an overlay on the cached
// Debian root that `make test` builds, powered off when the test ends or its process dies.

extension Tag {
  /// Tests that boot a real systemd in a systemd-nspawn container (root only, a few seconds).
  @Tag static var testBed: Self
}

/// The tests that boot a bed, one bed at a time (two cores; each test boots its own).
@Suite(.serialized, .tags(.testBed, .system), .requiresTestBed)
enum BedTests {}

/// Something the bed could not do, with the command and its output.
struct BedError: Error, CustomStringConvertible {
  var description: String
}

/// One booted bed; `withBed` boots it and always powers it off.
final class ProbeBed {
  /// The bed's name for scripts/testbed.
  let name: String

  private init(name: String) { self.name = name }

  /// scripts/testbed.
  static var script: String { TestBed.scriptPath }

  /// Boots a bed with `probe` installed as `/usr/local/bin/systemd-probe`, runs `body`, and
  /// always powers it off.
  static func withBed<T>(probe: String, _ body: (ProbeBed) throws -> T) throws -> T {
    let bed = ProbeBed(name: "sbt-\(UInt32.random(in: 0...UInt32.max) % 1_000_000)")
    defer { _ = try? shell([script, "poweroff", bed.name], check: false) }
    try shell([script, "boot", bed.name, "--owner", String(getpid())])
    try shell([script, "copy-in", bed.name, probe, "/usr/local/bin/systemd-probe"])
    return try body(bed)
  }

  /// Runs `arguments` inside the bed and returns status and output.
  @discardableResult
  func run(_ arguments: [String], check: Bool = true) throws -> (status: Int32, output: String) {
    let result = try Self.shell([Self.script, "exec", name] + arguments, check: false)
    if check && result.status != 0 {
      throw BedError(
        description: "\(arguments.joined(separator: " ")) exited \(result.status): \(result.output)"
      )
    }
    return result
  }

  /// Runs the probe inside the bed and decodes its JSON (errors included).
  func probe(_ arguments: [String]) throws -> ProbeOutput {
    let outputs = try probeAll(arguments)
    guard outputs.count == 1 else {
      throw BedError(description: "systemd-probe \(arguments) printed \(outputs.count) lines")
    }
    return outputs[0]
  }

  /// Runs several probe commands separated by `+` on one connection; one output each.
  func probeAll(_ arguments: [String]) throws -> [ProbeOutput] {
    let result = try run(["systemd-probe"] + arguments, check: false)
    do {
      return try result.output.split(separator: "\n").map {
        try JSONDecoder().decode(ProbeOutput.self, from: Data($0.utf8))
      }
    } catch {
      throw BedError(description: "systemd-probe \(arguments) printed \(result.output)")
    }
  }

  /// Writes a file inside the bed, e.g. a unit under /etc/systemd/system.
  func write(_ path: String, _ contents: String) throws {
    let file = "/var/tmp/systemdbus-in-\(UInt32.random(in: 0...UInt32.max))"
    try contents.write(toFile: file, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Self.shell([Self.script, "copy-in", name, file, path])
  }

  /// Whether `path` exists in the bed (symlinks included, not followed).
  func exists(_ path: String) -> Bool {
    (try? run(["sh", "-c", "test -e \"$1\" || test -L \"$1\"", "sh", path], check: false).status) == 0
  }

  /// Runs a host command with output captured to a temporary file.
  @discardableResult
  static func shell(_ arguments: [String], check: Bool = true) throws -> (
    status: Int32, output: String
  ) {
    // SystemCalls' spawner: Foundation's `Process` sometimes misses a child's exit.
    let result = try Subprocess.run(
      ["/usr/bin/env"] + arguments, environment: ProcessInfo.processInfo.environment)
    let text = result.stdoutText + result.stderrText
    if check && result.status != 0 {
      throw BedError(
        description: "\(arguments.joined(separator: " ")) exited \(result.status): \(text)")
    }
    return (result.status, text)
  }
}

/// What systemd-probe prints (Tests/SystemdProbe/main.swift).
struct ProbeOutput: Decodable {
  var states: [String: UnitStateJSON]?
  var result: String?
  var changingCalls: Int?
  var methodCalls: Int?
  var seconds: Double?
  var error: String?
}

/// `UnitRuntimeState` as the probe prints it.
struct UnitStateJSON: Decodable, Equatable {
  var loadState: String
  var activeState: String
  var subState: String
  var unitFileState: String
  var invocationID: String
}

/// The probe built with `--static-swift-stdlib` (it runs in the bed, which has no Swift),
/// once per test run, in its own scratch directory so it does not wait for `swift test`'s.
let staticProbe: Result<String, BedError> = {
  if let path = ProcessInfo.processInfo.environment["SYSTEMD_PROBE"] { return .success(path) }
  let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  let arguments = [
    "swift", "build", "--package-path", package, "--scratch-path", package + "/.build/static",
    "-c", "release", "--static-swift-stdlib", "--product", "systemd-probe",
  ]
  do {
    try ProbeBed.shell(arguments)
    let bin = try ProbeBed.shell(arguments + ["--show-bin-path"]).output
    let last = bin.split(separator: "\n").last.map(String.init) ?? ""
    return .success(last.trimmingCharacters(in: .whitespaces) + "/systemd-probe")
  } catch {
    return .failure(error as? BedError ?? BedError(description: "\(error)"))
  }
}()
