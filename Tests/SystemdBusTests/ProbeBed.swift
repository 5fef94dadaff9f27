import Foundation
import Testing

// A minimal booted-systemd bed for the SystemdBus tests, until TestSupport's TestBed lands:
// copy the cached Debian rootfs, boot it with systemd-nspawn, run commands in it with
// nsenter, always power it off and delete the copy. Swap for TestBed when it exists; the
// tests only use `boot`, `run`, `write`, `probe` and `powerOff`.

extension Tag {
  /// Tests that boot a real systemd in a systemd-nspawn container (root only, a few seconds).
  @Tag static var testBed: Self
}

/// The tests that boot a bed, one bed at a time (two cores; each test boots its own).
@Suite(.serialized, .tags(.testBed), .enabled(if: canBootBed, "needs root and systemd-nspawn"))
enum BedTests {}

/// Whether this machine can boot a bed at all; tests are skipped (loudly) when it cannot.
let canBootBed: Bool = {
  guard getuid() == 0 else {
    print("SKIPPED: SystemdBus test-bed tests need root to run systemd-nspawn")
    return false
  }
  guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-nspawn") else {
    print(
      "SKIPPED: SystemdBus test-bed tests need systemd-nspawn (apt-get install systemd-container)")
    return false
  }
  return true
}()

/// Something the bed could not do, with the command and its output.
struct BedError: Error, CustomStringConvertible {
  var description: String
}

/// One booted container; `withBed` boots it and always powers it off.
final class ProbeBed {
  /// The cached rootfs that is copied, never booted itself.
  static let cachedRoot =
    ProcessInfo.processInfo.environment["RECONCILE_TESTBED_ROOTFS"]
    ?? "/var/cache/reconcile-testbed/rootfs-probe"

  /// The container's root directory on the host.
  let root: String
  /// The systemd-nspawn process.
  let nspawn: Process
  /// The PID of the container's init, for nsenter.
  private(set) var initPID: Int32 = 0

  private init(root: String, nspawn: Process) {
    self.root = root
    self.nspawn = nspawn
  }

  /// Boots a fresh copy of the cached rootfs with `probe` installed as
  /// `/usr/local/bin/systemd-probe`, runs `body`, and always powers off and deletes it.
  static func withBed<T>(probe: String, _ body: (ProbeBed) throws -> T) throws -> T {
    guard FileManager.default.fileExists(atPath: cachedRoot + "/usr/lib/systemd/systemd") else {
      throw BedError(
        description: "no test-bed rootfs at \(cachedRoot) (build it with debootstrap, see "
          + "DOMAIN.md, or set RECONCILE_TESTBED_ROOTFS)")
    }
    let root = "/var/tmp/systemdbus-bed-\(UInt32.random(in: 0...UInt32.max))"
    try shell(["cp", "-a", cachedRoot, root])
    defer { _ = try? shell(["rm", "-rf", "--one-file-system", root]) }
    try shell(["cp", probe, root + "/usr/local/bin/systemd-probe"])

    let nspawn = Process()
    nspawn.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-nspawn")
    // Flags from DOMAIN.md; without --keep-unit --register=no nspawn needs a host systemd.
    nspawn.arguments = ["-D", root, "--register=no", "--keep-unit", "-q", "-b"]
    var environment = ProcessInfo.processInfo.environment
    environment["SYSTEMD_NSPAWN_API_VFS_WRITABLE"] = "1"
    nspawn.environment = environment
    // The console goes to a file, never a pipe: daemons in the bed would keep a pipe open.
    _ = FileManager.default.createFile(atPath: root + ".console", contents: nil)
    defer { try? FileManager.default.removeItem(atPath: root + ".console") }
    let console = try FileHandle(forWritingTo: URL(fileURLWithPath: root + ".console"))
    nspawn.standardOutput = console
    nspawn.standardError = console
    nspawn.standardInput = FileHandle.nullDevice
    try nspawn.run()

    let bed = ProbeBed(root: root, nspawn: nspawn)
    defer { bed.powerOff() }
    try bed.waitForBoot()
    return try body(bed)
  }

  /// Finds init (the child of nspawn) and waits for `systemctl is-system-running --wait`.
  private func waitForBoot() throws {
    let deadline = Date().addingTimeInterval(60)
    while initPID == 0 {
      guard nspawn.isRunning, Date() < deadline else {
        let console = (try? String(contentsOfFile: root + ".console", encoding: .utf8)) ?? ""
        throw BedError(description: "systemd-nspawn did not boot: \(console)")
      }
      initPID = Self.child(of: nspawn.processIdentifier) ?? 0
      if initPID == 0 { usleep(50_000) }
    }
    // Right after exec, init has not yet created /run/systemd/system or its sockets, and
    // systemctl answers "offline" or cannot connect: ask again until it can wait properly.
    var state = ""
    while Date() < deadline {
      let answer = try run(
        ["timeout", "60", "systemctl", "is-system-running", "--wait"], check: false)
      state = answer.output.trimmingCharacters(in: .whitespacesAndNewlines)
      if ["running", "degraded"].contains(state) { return }
      usleep(100_000)
    }
    throw BedError(description: "the bed did not finish booting: \(state)")
  }

  /// The child of `pid` that runs systemd, from /proc. nspawn's own forked children (before
  /// they exec init) are not it: entering their namespaces would reach the host.
  private static func child(of pid: Int32) -> Int32? {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
      return nil
    }
    for entry in entries {
      guard let candidate = Int32(entry),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // Fields after "(comm)": state ppid ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 1, Int32(fields[1]) == pid,
        stat[..<close].hasSuffix("(systemd")
      {
        return candidate
      }
    }
    return nil
  }

  /// Runs `arguments` inside the bed (all its namespaces) and returns status and output.
  @discardableResult
  func run(_ arguments: [String], check: Bool = true) throws -> (status: Int32, output: String) {
    let result = try Self.shell(
      ["nsenter", "-t", String(initPID), "-a", "-r", "-w"] + arguments, check: false)
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
    try contents.write(toFile: root + path, atomically: false, encoding: .utf8)
  }

  /// Whether `path` exists in the bed (symlinks included, not followed).
  func exists(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: root + path)) != nil
  }

  /// Asks the bed to power off and waits; kills our nspawn if it does not stop in 30 s.
  func powerOff() {
    guard nspawn.isRunning else { return }
    if initPID != 0 { _ = try? run(["systemctl", "poweroff", "--no-block"], check: false) }
    for attempt in 0..<600 where nspawn.isRunning {
      if attempt == 300 { nspawn.terminate() }  // SIGTERM: nspawn shuts the container down
      usleep(100_000)
    }
    if nspawn.isRunning { kill(nspawn.processIdentifier, SIGKILL) }
    nspawn.waitUntilExit()
  }

  /// Runs a host command with output captured to a temporary file.
  @discardableResult
  static func shell(_ arguments: [String], check: Bool = true) throws -> (
    status: Int32, output: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let path = "/var/tmp/systemdbus-out-\(UInt32.random(in: 0...UInt32.max))"
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try output.close()
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if check && process.terminationStatus != 0 {
      throw BedError(
        description: "\(arguments.joined(separator: " ")) exited "
          + "\(process.terminationStatus): \(text)")
    }
    return (process.terminationStatus, text)
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
