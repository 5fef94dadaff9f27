import Foundation

/// A booted Debian 12 with real systemd (D-Bus, logind, user managers) to run system tests
/// against, driven through `scripts/testbed`.
///
/// Each bed is a disposable overlay on a cached root, booted with systemd-nspawn. Its name
/// (also its hostname) is the name asked for plus a random suffix, so tests and test runs
/// never share a bed. A bed powers off when `poweroff()` is called, when the handle goes
/// away, and, through the script's watcher, when the test process dies.
public final class TestBed: Sendable {
  /// The bed's name and hostname, e.g. `linger-3fa9c1`.
  public let name: String

  /// The bed's directory on the host (the overlay root and the PID files live there).
  public var directory: String { Self.runDirectory + "/" + name }

  private init(name: String) {
    self.name = name
  }

  deinit {
    // Idempotent: a bed already powered off is a cheap no-op for the script.
    _ = try? Self.runScriptSynchronously(["poweroff", name])
  }

  /// Boots a new bed and waits until its system manager is `running` or `degraded`.
  ///
  /// Builds the cached root first when it is missing or stale (about a minute).
  /// - Parameter name: a short label, `[a-z0-9-]`, at most 24 characters.
  public static func boot(name label: String) async throws -> TestBed {
    guard (1...24).contains(label.count), label.first != "-",
      label.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
    else {
      throw TestBedError(
        doing: "booting a test bed named '\(label)'",
        detail: "use 1 to 24 of a-z, 0-9 and -, not starting with -")
    }
    let suffix = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
    let name = label + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    let owner = String(ProcessInfo.processInfo.processIdentifier)
    let output = try await runScript(["boot", name, "--owner", owner])
    guard output.succeeded else {
      throw TestBedError(doing: "booting test bed \(name)", output: output)
    }
    return TestBed(name: name)
  }

  /// Runs `argv` inside the bed as root, in a clean environment, and returns its exit
  /// status and output. Fails only when the command could not be run at all.
  /// - Parameters:
  ///   - input: bytes for the command's standard input (empty when nil).
  ///   - timeout: seconds after which the command is killed (status 124).
  public func exec(
    _ argv: [String], input: [UInt8]? = nil, timeout: Int = 120
  ) async throws -> Output {
    precondition(!argv.isEmpty, "exec needs a command")
    let limited = ["timeout", "--kill-after=5", String(timeout)] + argv
    return try await Self.runScript(["exec", name] + limited, input: input)
  }

  /// Runs `argv` inside the bed and returns its standard output; throws when it fails.
  @discardableResult
  public func run(_ argv: [String], input: [UInt8]? = nil, timeout: Int = 120) async throws
    -> String
  {
    let output = try await exec(argv, input: input, timeout: timeout)
    guard output.succeeded else {
      throw TestBedError(doing: "running \(argv.joined(separator: " ")) in \(name)", output: output)
    }
    return output.stdout
  }

  /// Copies a host file (mode kept, replaced atomically) or a directory's contents to the
  /// absolute path `destination` inside the bed.
  public func copyIn(_ source: String, to destination: String) async throws {
    let output = try await Self.runScript(["copy-in", name, source, destination])
    guard output.succeeded else {
      throw TestBedError(doing: "copying \(source) into \(name) at \(destination)", output: output)
    }
  }

  /// The bed's journal since boot, one entry a line.
  public func journal() async throws -> String {
    let output = try await Self.runScript(["logs", name])
    guard output.succeeded else {
      throw TestBedError(doing: "reading the journal of \(name)", output: output)
    }
    return output.stdout
  }

  /// Shuts the bed down, waits for systemd-nspawn to exit (killing it after a timeout) and
  /// removes the bed's directory. Safe to call more than once.
  public func poweroff() async throws {
    let output = try await Self.runScript(["poweroff", name])
    guard output.succeeded else {
      throw TestBedError(doing: "powering off \(name)", output: output)
    }
  }
}

/// Boots a bed, runs `body` with it, and powers the bed off afterwards, also when `body`
/// throws; then the bed's journal goes to standard error to show what happened inside.
public func withTestBed<R: Sendable>(
  name: String, _ body: (TestBed) async throws -> R
) async throws -> R {
  let bed = try await TestBed.boot(name: name)
  let result: R
  do {
    result = try await body(bed)
  } catch {
    if let journal = try? await bed.journal() {
      let tail = journal.split(separator: "\n", omittingEmptySubsequences: false).suffix(50)
      FileHandle.standardError.write(
        Data(
          ("--- journal of test bed \(bed.name) (last lines)\n" + tail.joined(separator: "\n")
            + "\n").utf8))
    }
    try? await bed.poweroff()
    throw error
  }
  try await bed.poweroff()
  return result
}
