import Foundation

/// Kills a program with SIGKILL at its Nth call of a system call, through
/// `strace -e inject=SYSCALL:signal=KILL:when=N`: no special build, the real binary.
///
/// strace counts calls per traced process, so only the program's own process is traced (no
/// `-f`): a shadow-utils tool it spawns runs untraced and finishes on its own, as it would
/// when a service manager kills only the main process.
public struct KillPoint: Sendable, CustomStringConvertible {
  /// The system call, e.g. `renameat`.
  public var syscall: String
  /// Which call of it (1-based) is killed.
  public var occurrence: Int

  /// Creates a kill point.
  public init(_ syscall: String, _ occurrence: Int) {
    self.syscall = syscall
    self.occurrence = occurrence
  }

  public var description: String { "\(syscall) #\(occurrence)" }
}

/// What happened to one run under a kill point.
public struct KilledRun: Sendable {
  /// Whether the injection was hit and the program died of SIGKILL.
  public var killed: Bool
  /// The traced call that was killed (strace's line), when it was.
  public var lastCall: String
  /// The program's exit status when it was not killed.
  public var status: Int32
}

/// Runs programs under strace's fault injection.
public enum KillWalk {
  /// Runs `argv` under strace, killing it at `point`; `trace` names the calls strace logs
  /// (the killed one among them).
  public static func run(
    _ argv: [String], killingAt point: KillPoint, scratch: ScratchDirectory
  ) throws -> KilledRun {
    let log = scratch.join("strace-\(point.syscall)-\(point.occurrence).log")
    let result = try TestCommand.run(
      [
        "strace", "-qq", "-o", log, "-e", "trace=\(point.syscall)",
        "-e", "inject=\(point.syscall):signal=KILL:when=\(point.occurrence)",
      ] + argv)
    let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
    let killed = lines.contains { $0.contains("+++ killed by SIGKILL") }
    let last = lines.last { $0.hasPrefix(point.syscall + "(") } ?? ""
    return KilledRun(killed: killed, lastCall: last, status: result.status)
  }

  /// How many times `argv` calls each of `syscalls` in its own process, from one clean run.
  public static func count(
    _ syscalls: [String], in argv: [String], scratch: ScratchDirectory
  ) throws -> [String: Int] {
    let log = scratch.join("strace-count.log")
    let result = try TestCommand.run(
      ["strace", "-qq", "-o", log, "-e", "trace=\(syscalls.joined(separator: ","))"] + argv)
    guard result.status == 0 else {
      throw KillWalkError(message: "the reference run failed: \(result.stderr)")
    }
    let text = try String(contentsOfFile: log, encoding: .utf8)
    var counts: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      guard let name = line.split(separator: "(").first.map(String.init), syscalls.contains(name)
      else { continue }
      counts[name, default: 0] += 1
    }
    return counts
  }

  /// Waits until no process but this one mentions `marker` on its command line (the
  /// shadow-utils tools a killed run left running finish on their own), at most `seconds`.
  public static func waitForOrphans(mentioning marker: String, seconds: Double = 30) {
    let deadline = Date().addingTimeInterval(seconds)
    let me = ProcessInfo.processInfo.processIdentifier
    while Date() < deadline {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      let busy = entries.contains { entry in
        guard let pid = Int32(entry), pid != me,
          let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
        else { return false }
        return String(decoding: data, as: UTF8.self).contains(marker)
      }
      if !busy { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }
}

/// The kill walk could not be set up.
public struct KillWalkError: Error, CustomStringConvertible {
  /// What went wrong.
  public var message: String
  /// Creates an error.
  public init(message: String) { self.message = message }
  public var description: String { message }
}
