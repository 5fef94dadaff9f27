import FoundationEssentials

/// Runs the plugins over a host: load and validate the declarations, observe, plan, order,
/// apply. Failures stay local: a change that fails skips what depends on it; the rest goes on.
public struct Engine: Sendable {
  /// Plugins in decode order: producers of contributions before their consumers.
  public let plugins: [any Plugin]

  /// Top-level keys accepted but read by no plugin of this engine: the sections of plugins
  /// left out on purpose (a test of one plugin against a full repository).
  public let otherSections: Set<String>

  public init(plugins: [any Plugin], otherSections: Set<String> = []) {
    self.plugins = plugins
    self.otherSections = otherSections
  }

  /// Every top-level key some plugin reads, the engine's own (`drift`), and the other
  /// sections accepted.
  public var sectionKeys: Set<String> {
    Set(plugins.flatMap(\.sections) + [DriftPolicy.section]).union(otherSections)
  }

  /// A host's declarations decoded by every plugin.
  public struct LoadedHost: Sendable {
    public var declarations: HostDeclarations
    /// Each plugin's decoded desired state, in plugin order.
    var desired: [any Sendable]
    /// Warnings found while loading.
    public var warnings: [Diagnostic]
    /// What to do about drift.
    public var driftPolicy: DriftPolicy

    /// Lets the parsed repository go (every layer's YAML, the parsed unit files) once the
    /// plugins have decoded it, keeping of `declarations` only the host name and the tree:
    /// observing and planning read the desired states alone. At thousands of accounts the
    /// parsed repository is over 10 MB the rest of the run does not need.
    public mutating func dropDeclarations() {
      declarations = HostDeclarations(host: declarations.host, layers: [], units: [], tree: declarations.tree)
    }

    /// What stands in `desired` for a plugin's desired state once it has been planned.
    struct Planned: Sendable {}
  }

  /// Loads and validates `host` from `tree`. Returns nil when there are errors; every
  /// problem found is in `diagnostics`. Plugins reuse the file fingerprints earlier runs
  /// recorded (`recorded`, from the host's ledger; none by default) instead of reading those
  /// files again.
  public func load(
    tree: any StateTree, host: String, recorded: RecordedFingerprints = RecordedFingerprints(),
    diagnostics: inout Diagnostics
  ) -> LoadedHost? {
    let repository = StateRepository(tree: tree, sectionKeys: sectionKeys)
    guard var declarations = repository.load(host: host, diagnostics: &diagnostics) else { return nil }
    declarations.recorded = recorded
    var contributions = Contributions()
    var desired: [any Sendable] = []
    for plugin in plugins {
      desired.append(decode(plugin, declarations, &contributions, &diagnostics))
    }
    let policy = DriftPolicy.decode(declarations, plugins: Set(plugins.map(\.name)), diagnostics: &diagnostics)
    guard !diagnostics.hasErrors else { return nil }
    return LoadedHost(declarations: declarations, desired: desired, warnings: diagnostics.warnings, driftPolicy: policy)
  }

  /// Validates every host of the repository; the diagnostics of all of them.
  public func check(tree: any StateTree) -> (hosts: [String], diagnostics: Diagnostics) {
    var diagnostics = Diagnostics()
    let hosts = StateRepository(tree: tree, sectionKeys: sectionKeys).hostNames(diagnostics: &diagnostics)
    for host in hosts {
      _ = load(tree: tree, host: host, diagnostics: &diagnostics)
    }
    return (hosts, diagnostics)
  }

  /// Observes the host and plans every plugin; changes come out in application order.
  ///
  /// Each plugin's observation goes straight to its planner, without the JSON round trip a
  /// saved snapshot takes (`observe` then `plan(_:observation:)` give the same plan): on a
  /// host with thousands of resources, encoding and decoding it cost a third of a no-op run.
  ///
  /// `loaded` is consumed: each plugin's desired state goes once that plugin has planned (at
  /// thousands of accounts they are MBs, and planning is the peak of a first apply). A caller
  /// that keeps its own copy keeps them. With `forDisplay` false (a plan only applied, by
  /// `apply` printing text) each change's summary and diff, which only showing it needs, go
  /// as soon as its plugin has planned: the next plugins plan into the memory they held; and
  /// plugins told so (`HostFacts.forDisplay`) leave out the diffs that are large to make.
  public func plan(
    _ loaded: consuming LoadedHost, host: Host, ledger: Ledger, forDisplay: Bool = true
  ) throws -> Plan {
    var host = host
    host.facts.forDisplay = forDisplay
    host.accountTables = AccountTableCache()
    var parts: [PluginPlan] = []
    for (i, plugin) in plugins.enumerated() {
      var part = try observeAndPlan(plugin, loaded.desired[i], host: host, ledger: ledger)
      if !forDisplay {
        for j in part.changes.indices { part.changes[j].dropPresentation() }
      }
      parts.append(part)
      loaded.desired[i] = LoadedHost.Planned()
    }
    return try assemble(loaded, facts: host.facts, parts: consume parts)
  }

  /// Reads everything the plugins need from the host, changing nothing. The result is a
  /// snapshot: it can be saved and planned against elsewhere (pull-request review).
  public func observe(_ loaded: LoadedHost, host: Host, ledger: Ledger) throws -> HostObservation {
    var host = host
    host.accountTables = AccountTableCache()
    var observed: [String: JSONValue] = [:]
    for (plugin, desired) in zip(plugins, loaded.desired) {
      observed[plugin.name] = try observe(plugin, desired, host: host, ledger: ledger)
    }
    return HostObservation(facts: host.facts, ledger: ledger, observed: observed)
  }

  /// Plans every plugin against an observation (live, or a saved snapshot). Pure.
  public func plan(_ loaded: LoadedHost, observation: HostObservation) throws -> Plan {
    var parts: [PluginPlan] = []
    for (plugin, desired) in zip(plugins, loaded.desired) {
      parts.append(try plan(plugin, desired, observation: observation))
    }
    return try assemble(loaded, facts: observation.facts, parts: consume parts)
  }

  /// The plan made of every plugin's part, in application order.
  ///
  /// Each part's list of changes goes once copied into the plan's, and the unordered list once
  /// ordered: a first apply plans tens of thousands of changes, and every list of them is MBs.
  private func assemble(
    _ loaded: LoadedHost, facts: HostFacts, parts: consuming [PluginPlan]
  ) throws -> Plan {
    var changes: [Change] = []
    changes.reserveCapacity(parts.reduce(0) { $0 + $1.changes.count })
    var diagnostics = Diagnostics(loaded.warnings)
    var limitations: [String] = []
    var ledgerUpdates: [Address: Ledger.Entry?] = [:]
    var notes: [String: [String]] = [:]
    if let reason = facts.liveUnavailableReason { limitations.append(reason) }
    for (i, plugin) in zip(parts.indices, plugins) {
      changes += parts[i].changes
      parts[i].changes = []
      diagnostics.append(contentsOf: parts[i].diagnostics)
      limitations += parts[i].limitations
      ledgerUpdates.merge(parts[i].ledgerUpdates) { $1 }
      if !parts[i].notes.isEmpty { notes[plugin.name] = parts[i].notes }
    }
    try DependencyOrder.order(&changes)
    Self.markReportOnly(&changes, policy: loaded.driftPolicy)
    var plan = Plan(
      host: loaded.declarations.host, source: loaded.declarations.tree.origin, changes: changes,
      diagnostics: diagnostics.sorted, limitations: limitations)
    plan.ledgerUpdates = ledgerUpdates
    plan.notes = notes
    return plan
  }

  /// Applies `plan` in order. A change whose prerequisites failed or were skipped is skipped.
  /// The ledger is updated in place as changes succeed.
  ///
  /// Before each creation of a resource the ledger does not know yet, the ledger gets an
  /// `interrupted` entry for it, and its address and that entry go to `checkpoint`, which
  /// records them durably (`LedgerJournal.record`): a run killed after the creation then
  /// leaves a record that reconcile made the resource. A change whose checkpoint fails is
  /// not applied.
  ///
  /// The plan is consumed: each change's payload and diff are let go once it is done, so a
  /// first apply of tens of thousands of changes does not hold them all to the end. A caller
  /// that keeps its own copy of the plan keeps them (and pays for a copy of the list).
  public func apply(
    _ plan: consuming Plan, host: Host, ledger: inout Ledger,
    checkpoint: (Address, Ledger.Entry) throws -> Void = { _, _ in }
  ) -> ApplyReport {
    let started = ContinuousClock.now
    var outcomes: [ChangeOutcome] = []
    let prerequisites: [[Int]]
    do {
      prerequisites = try DependencyOrder.prerequisites(of: plan.changes)
    } catch {
      return ApplyReport(outcomes: [], error: "\(error)", duration: 0)
    }
    // Room for an entry a change, made at once: grown by doubling, a first apply's table was
    // copied at each step, the last copy 3 MB beside the new 6 MB at 5,000 users.
    if !plan.changes.isEmpty { ledger.reserveCapacity(plan.changes.count) }
    for (address, entry) in plan.ledgerUpdates { ledger[address] = entry }
    plan.ledgerUpdates = [:]
    let byName = Dictionary(plugins.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    outcomes.reserveCapacity(plan.changes.count)
    for i in plan.changes.indices {
      let change = plan.changes[i]
      if let blocker = prerequisites[i].first(where: {
        outcomes[$0].status == .failed || outcomes[$0].status == .skipped
      }), !change.reportOnly {
        outcomes.append(
          ChangeOutcome(
            change: change, status: .skipped,
            message: "skipped because \(plan.changes[blocker].address) was not applied"))
      } else {
        outcomes.append(apply(change, plugin: byName[change.plugin], host: host, ledger: &ledger, checkpoint))
      }
      plan.changes[i].dropInstructions()
    }
    let elapsed = ContinuousClock.now - started
    return ApplyReport(
      outcomes: outcomes, error: nil,
      duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
  }

  /// Applies one change whose prerequisites were applied: announced to `checkpoint` first
  /// when it creates a resource the ledger does not know.
  private func apply(
    _ change: Change, plugin: (any Plugin)?, host: Host, ledger: inout Ledger,
    _ checkpoint: (Address, Ledger.Entry) throws -> Void
  ) -> ChangeOutcome {
    if change.reportOnly {
      return ChangeOutcome(change: change, status: .reported, message: "drift reported, not reverted (drift policy)")
    }
    guard let plugin else {
      return ChangeOutcome(change: change, status: .failed, message: "no plugin named \(change.plugin)")
    }
    let announced = change.action == .create && ledger[change.address] == nil
    if announced {
      let entry = Ledger.Entry.interrupted(plugin: change.plugin)
      ledger[change.address] = entry
      do {
        try checkpoint(change.address, entry)
      } catch {
        ledger[change.address] = nil
        return ChangeOutcome(
          change: change, status: .failed, message: "not applied: could not record it in the ledger first: \(error)")
      }
    }
    do {
      let note = try plugin.apply(change, host: host, ledger: &ledger)
      return ChangeOutcome(change: change, status: .applied, message: note)
    } catch {
      if announced, ledger[change.address]?.interrupted == true { ledger[change.address] = nil }
      return ChangeOutcome(change: change, status: .failed, message: "\(error)")
    }
  }

  /// Marks drift the policy reports only, and the consequences (reloads, restarts) that
  /// follow only from such drift.
  static func markReportOnly(_ changes: inout [Change], policy: DriftPolicy) {
    for i in changes.indices where changes[i].cause == .drift && policy.mode(for: changes[i]) == .report {
      changes[i].reportOnly = true
    }
    // Without drift to report there are no consequences to mark: a first apply of tens of
    // thousands of changes needs no index of them.
    guard changes.contains(where: \.reportOnly) else { return }
    var index: [Address: Int] = [:]
    for (i, change) in changes.enumerated() { index[change.address] = i }
    var moved = true
    while moved {
      moved = false
      for i in changes.indices where changes[i].cause == .consequence && !changes[i].reportOnly {
        let causes = changes[i].dependsOn.compactMap { index[$0] }
        if !causes.isEmpty && causes.allSatisfy({ changes[$0].reportOnly }) {
          changes[i].reportOnly = true
          moved = true
        }
      }
    }
  }

  // Opened-existential helpers: each plugin's Desired travels type-erased between phases.

  private func decode<P: Plugin>(
    _ plugin: P, _ declarations: HostDeclarations, _ contributions: inout Contributions,
    _ diagnostics: inout Diagnostics
  ) -> any Sendable {
    plugin.decode(declarations, contributions: &contributions, diagnostics: &diagnostics)
  }

  private func observe<P: Plugin>(_ plugin: P, _ desired: any Sendable, host: Host, ledger: Ledger) throws -> JSONValue
  {
    guard let desired = desired as? P.Desired else {
      throw InternalError("desired state of \(plugin.name) has the wrong type")
    }
    do {
      return try JSONValue(encoding: try plugin.observe(desired, ledger: ledger, host: host))
    } catch {
      throw ObservationError(plugin: plugin.name, underlying: "\(error)")
    }
  }

  private func observeAndPlan<P: Plugin>(
    _ plugin: P, _ desired: any Sendable, host: Host, ledger: Ledger
  ) throws -> PluginPlan {
    guard let desired = desired as? P.Desired else {
      throw InternalError("desired state of \(plugin.name) has the wrong type")
    }
    let observed: P.Observed
    do {
      observed = try plugin.observe(desired, ledger: ledger, host: host)
    } catch {
      throw ObservationError(plugin: plugin.name, underlying: "\(error)")
    }
    return plugin.plan(desired, observed: observed, ledger: ledger, host: host.facts)
  }

  private func plan<P: Plugin>(_ plugin: P, _ desired: any Sendable, observation: HostObservation) throws -> PluginPlan
  {
    guard let desired = desired as? P.Desired else {
      throw InternalError("desired state of \(plugin.name) has the wrong type")
    }
    guard let value = observation.observed[plugin.name] else {
      throw ObservationError(plugin: plugin.name, underlying: "the snapshot has no observation for this module")
    }
    let observed: P.Observed
    do {
      observed = try value.decode(as: P.Observed.self)
    } catch {
      throw ObservationError(
        plugin: plugin.name, underlying: "the snapshot's observation does not fit this reconcile (\(error))")
    }
    return plugin.plan(desired, observed: observed, ledger: observation.ledger, host: observation.facts)
  }
}

/// What happened to one change.
public struct ChangeOutcome: Sendable, Codable {
  public enum Status: String, Sendable, Codable { case applied, failed, skipped, reported }
  public var address: Address
  /// The plugin that made the change (for the run log); not part of the JSON document.
  public var plugin = ""
  public var action: Change.Action
  public var cause: Change.Cause
  public var status: Status
  public var message: String?

  enum CodingKeys: String, CodingKey {
    case address, action, cause, status, message
  }

  public init(change: Change, status: Status, message: String?) {
    address = change.address
    plugin = change.plugin
    action = change.action
    cause = change.cause
    self.status = status
    self.message = message
  }
}

/// The result of applying a plan.
public struct ApplyReport: Sendable, Codable {
  public var outcomes: [ChangeOutcome]
  /// A failure that stopped the run before any change (e.g. a cycle).
  public var error: String?
  /// Seconds spent applying.
  public var duration: Double

  /// Whether every change applied (or was only to be reported).
  public var succeeded: Bool { error == nil && outcomes.allSatisfy { $0.status == .applied || $0.status == .reported } }
  /// Whether drift was found (reverted or reported).
  public var foundDrift: Bool { outcomes.contains { $0.cause == .drift || $0.cause == .conflict } }
  public var failed: [ChangeOutcome] { outcomes.filter { $0.status == .failed } }
  public var skipped: [ChangeOutcome] { outcomes.filter { $0.status == .skipped } }
}

/// Observing the host failed; planning cannot go on for that plugin.
public struct ObservationError: Error, Sendable, CustomStringConvertible {
  public var plugin: String
  public var underlying: String
  public var description: String { "while observing the host for \(plugin): \(underlying)" }
}

/// A bug in reconcile, with where it was detected.
public struct InternalError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var location: String
  public init(_ message: String, fileID: String = #fileID, line: Int = #line) {
    self.message = message
    location = "\(fileID):\(line)"
  }
  public var description: String { "internal error: \(message) (\(location)); please report this" }
}
