import Core

/// Runs the engine in-process against a scratch root, as `reconcile plan/apply --root` does.
public struct EngineHarness {
  public let engine: Engine
  public let repository: String
  public let host: String
  public let root: String
  public let stateDirectory = HostPath("/var/lib/reconcile")!

  /// A harness running `plugins`; `otherSections` are top-level keys of the repository that
  /// belong to plugins left out (accepted, not decoded).
  public init(plugins: [any Plugin], otherSections: Set<String> = [], repository: String, host: String, root: String) {
    engine = Engine(plugins: plugins, otherSections: otherSections)
    self.repository = repository
    self.host = host
    self.root = root
  }

  /// The rooted file system of the scratch root.
  public func fileSystem() throws -> RootedFileSystem { try RootedFileSystem(root: root) }

  /// Loads the host; throws the diagnostics when the repository has errors.
  public func load() throws -> Engine.LoadedHost {
    var diagnostics = Diagnostics()
    guard let loaded = engine.load(tree: DirectoryTree(path: repository), host: host, diagnostics: &diagnostics) else {
      throw DiagnosticsError(diagnostics)
    }
    return loaded
  }

  /// The plan against the root.
  public func plan() throws -> Plan {
    let fs = try fileSystem()
    let ledger = try Ledger.load(from: fs, stateDirectory: stateDirectory)
    return try engine.plan(try load(), host: offlineHost(fs), ledger: ledger)
  }

  /// Plans and applies; returns the plan, the report and how many writes the apply made.
  /// Like `reconcile apply`, applies nothing when planning found errors: throws them.
  @discardableResult
  public func apply() throws -> (plan: Plan, report: ApplyReport, writes: Int) {
    let fs = try fileSystem()
    let previous = try Ledger.load(from: fs, stateDirectory: stateDirectory)
    let host = offlineHost(fs)
    let plan = try engine.plan(try load(), host: host, ledger: previous)
    if plan.diagnostics.contains(where: { $0.severity == .error }) {
      throw DiagnosticsError(Diagnostics(plan.diagnostics))
    }
    var ledger = previous
    let report = engine.apply(plan, host: host, ledger: &ledger)
    try ledger.store(in: fs, stateDirectory: stateDirectory, previous: previous)
    return (plan, report, fs.counters.writes)
  }

  private func offlineHost(_ fs: RootedFileSystem) -> Host {
    Host(fs: fs, facts: HostFacts(name: host, live: false, liveUnavailableReason: nil, stateDirectory: stateDirectory))
  }
}
