import ArgumentParser
import Core
import FoundationEssentials
import Schedule

/// `reconcile install`: run reconcile from a systemd timer.
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Run reconcile from a systemd timer: install reconcile.service and reconcile.timer.",
    discussion: """
      Writes the schedule to /etc/reconcile/schedule.yaml and installs, through reconcile's \
      own units plugin, a hardened oneshot reconcile.service running 'reconcile apply' and a \
      persistent reconcile.timer with a randomized delay. Only those two units are touched; \
      the rest of the host is left to the timer's first run. Running it again changes \
      nothing unless the schedule changed. The repository comes from \
      /etc/reconcile/config.yaml (repository.url), which must exist.
      """)

  @OptionGroup var options: HostOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "How often to run: 30s, 5min, 15min, 1h ... (dividing a minute, an hour or a day).", valueName: "interval"))
  var interval = "5min"

  @Option(
    name: .customLong("randomized-delay"),
    help: ArgumentHelp("Up to this much random delay per run, so a fleet does not pull at once.", valueName: "duration")
  )
  var randomizedDelay = "2min"

  @Option(
    name: .long, help: ArgumentHelp("The reconcile binary the service runs (default: this one).", valueName: "path"))
  var executable: String?

  func validate() throws {
    guard let seconds = Self.seconds(interval) else {
      throw ValidationError("--interval takes a duration such as 5min, not '\(interval)'")
    }
    if let problem = Schedule.problem(interval: seconds) { throw ValidationError("--interval \(interval): \(problem)") }
    guard Self.seconds(randomizedDelay) != nil else {
      throw ValidationError("--randomized-delay takes a duration such as 2min")
    }
  }

  func run() throws {
    let binary = executable ?? Self.currentExecutable()
    guard HostPath(binary) != nil else {
      throw ValidationError("the executable must be an absolute path, not '\(binary)'")
    }
    let schedule = Schedule(
      interval: Self.seconds(interval)!, randomizedDelay: Self.seconds(randomizedDelay)!, executable: binary)
    let fs = try RootedFileSystem(root: options.root)
    guard try fs.status(HostConfiguration.path) != nil || options.repo != nil || options.url != nil else {
      throw ValidationError(
        "write \(fs.realPath(HostConfiguration.path)) (repository.url) first: the timer runs 'reconcile apply' with it")
    }
    if try fs.read(Schedule.path) != Array(schedule.yaml.utf8) {
      try fs.write(Schedule.path, Array(schedule.yaml.utf8), mode: 0o644)
    }
    try ScheduledUnits.apply(options: options)
  }

  static func seconds(_ text: String) -> Int64? {
    let normalized = text.replacing("min", with: "m").replacing("sec", with: "s")
    return HostConfiguration.Duration.seconds(normalized)
  }

  /// The running binary's path (`/proc/self/exe`).
  static func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/usr/local/bin/reconcile"
  }
}

/// `reconcile uninstall`: stop running from a timer.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall",
    abstract: "Remove reconcile.service and reconcile.timer; the host is left as it is.",
    discussion:
      "Removes /etc/reconcile/schedule.yaml, then disables, stops and deletes the two units. Nothing else changes.")

  @OptionGroup var options: HostOptions

  func run() throws {
    let fs = try RootedFileSystem(root: options.root)
    try fs.remove(Schedule.path)
    try ScheduledUnits.apply(options: options)
  }
}

/// Applies only the changes to reconcile's own units (and the daemon-reload they need).
enum ScheduledUnits {
  static func apply(options: HostOptions) throws {
    let session = try Session(options: options)
    let loaded = try session.load()
    let lock = try RunLock(fs: session.host.fs, stateDirectory: session.stateDirectory)
    defer { withExtendedLifetime(lock) {} }
    let previous = try session.ledger()
    var plan = try session.plan(loaded, ledger: previous)
    let names = [SchedulePlugin.service.rawValue, SchedulePlugin.timer.rawValue]
    plan.changes = plan.changes.filter { change in
      names.contains { change.address.name == $0 || change.address.name.hasPrefix($0 + "/") }
        || change.address == Address("systemd", "daemon-reload")
    }
    if plan.changes.allSatisfy({ $0.address.kind == "systemd" }) { plan.changes = [] }
    plan.ledgerUpdates = [:]
    var ledger = previous
    let report = session.engine.apply(plan, host: session.host, ledger: &ledger)
    try ledger.store(in: session.host.fs, stateDirectory: session.stateDirectory, previous: previous)
    Terminal.out(
      plan.isEmpty
        ? "reconcile.service and reconcile.timer are as they should be.\n"
        : PlanRenderer(colour: Terminal.colour()).render(report))
    if !report.succeeded { throw ExitCode(ExitCodes.failure) }
  }
}
