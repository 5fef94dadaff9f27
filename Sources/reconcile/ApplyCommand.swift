import ArgumentParser
import Core
import FoundationEssentials
import SystemCalls
import SystemdBus

/// `reconcile apply`: make the host match the repository.
struct ApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Change the host to match the repository.",
    discussion: """
      Plans as 'plan' does, then applies the changes in dependency order. When a change \
      fails, the changes that depend on it are skipped and the rest still apply; both are \
      reported. A run that finds nothing to do writes nothing.

      Exit codes: 0 every change applied, 4 applied and drift was found (reverted, or \
      reported where the drift policy says so), 1 something failed, 75 another run is in progress.
      """)

  @OptionGroup var options: HostOptions

  func run() throws {
    let session = try Session(options: options)
    // Consumed by planning, which lets each desired state go once planned: at thousands of
    // accounts they are tens of MiB the apply does not need.
    let loaded = try session.load()
    let warnings = loaded.warnings
    let lock: RunLock
    do {
      lock = try RunLock(fs: session.host.fs, stateDirectory: session.stateDirectory)
    } catch let busy as RunLock.Busy {
      Terminal.error("reconcile: busy: \(busy)\n")
      throw ExitCode(ExitCodes.busy)
    }
    defer { withExtendedLifetime(lock) {} }
    let previous: Ledger
    let journal: LedgerJournal
    let plan: Plan
    do {
      // A run killed while writing its records left their temporaries here (those of the
      // git records too, once their writer is gone).
      try session.host.fs.removeTemporaries(in: session.stateDirectory)
      // A killed run's journal is replayed into the ledger; one killed after its final
      // ledger write left a stale journal, which goes.
      (previous, journal) = try session.openLedger()
      try journal.removeStale()
      // Text shows outcomes, not the plan: its summaries and diffs are not kept.
      plan = try session.plan(consume loaded, ledger: previous, forDisplay: options.format == .json)
    } catch {
      Terminal.error("error: \(error)\n")
      throw ExitCode(ExitCodes.failure)
    }
    session.print(diagnostics: Diagnostics(plan.diagnostics.filter { !warnings.contains($0) }))
    if plan.diagnostics.contains(where: { $0.severity == .error }) {
      Terminal.error("error: nothing was applied because of the errors above\n")
      throw ExitCode(ExitCodes.failure)
    }
    var ledger = previous
    let started = Date().timeIntervalSince1970
    let changedSomething = !plan.isEmpty
    let limitations = plan.limitations
    // The engine lets each change's payload go once it is applied; only the JSON output,
    // which shows the plan, keeps them.
    let shown = options.format == .json ? plan : nil
    if changedSomething { MemoryAllocator.releaseFreeMemory() }
    let report = session.engine.apply(consume plan, host: session.host, ledger: &ledger) { address, entry in
      try journal.record(address, plugin: entry.plugin)
    }
    // The plan is gone (unless shown): what the run needs next does not come on top of it.
    if changedSomething { MemoryAllocator.releaseFreeMemory() }
    var errors: [String] = []
    do {
      // The ledger first (a new generation, which makes the journal stale), then the journal.
      // A replayed journal's entries are not in the file yet: write even when unchanged.
      try ledger.store(
        in: session.host.fs, stateDirectory: session.stateDirectory,
        previous: journal.replayed ? nil : previous)
      try journal.remove()
      try session.source.recordApplied()
    } catch {
      errors.append("could not record what was applied: \(error)")
    }
    // Written: the ledgers go before the run's records are made (tens of MB at thousands of
    // accounts).
    _ = consume ledger
    _ = consume previous
    let record = RunRecord(
      time: started, host: session.hostName, commit: session.source.update?.commit.hex, source: session.tree.origin,
      report: report, errors: errors)
    session.record(record, changedSomething: changedSomething)
    for error in errors { Terminal.error("error: \(error)\n") }
    printDebugCounters(session)
    if let shown {
      Terminal.out(ApplyOutput(plan: shown, report: report).json() + "\n")
    } else {
      let renderer = PlanRenderer(colour: Terminal.colour())
      for limitation in limitations { Terminal.out("note: \(limitation)\n") }
      Terminal.out(changedSomething ? renderer.render(report) : "No changes. The host matches the repository.\n")
    }
    if !record.succeeded { throw ExitCode(ExitCodes.failure) }
    if report.foundDrift { throw ExitCode(ExitCodes.drift) }
  }
}

extension ApplyCommand {
  /// With `RECONCILE_DEBUG_COUNTERS=1`, one line on standard error for the benchmark
  /// (scripts/bench/live): the D-Bus calls made to the system manager (all, and those that
  /// change state) and the files reconcile itself wrote or removed.
  func printDebugCounters(_ session: Session) {
    guard ProcessInfo.processInfo.environment["RECONCILE_DEBUG_COUNTERS"] == "1" else { return }
    let manager = session.host.systemd
    let methodCalls = (manager as? SystemdManagerClient).map { String($0.methodCalls) } ?? "-"
    Terminal.error(
      "reconcile-counters: dbus-method-calls=\(methodCalls) "
        + "dbus-changing-calls=\(manager?.changingCalls ?? 0) "
        + "files-written=\(session.host.fs.counters.writes)\n")
  }
}

/// The JSON document `apply --format json` prints.
struct ApplyOutput: Encodable {
  var plan: Plan
  var report: ApplyReport
  func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}
