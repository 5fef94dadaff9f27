/// Reviews a change to the state repository host by host, from the repository alone.
///
/// For each host whose declarations differ between the two trees (or that was named), the
/// base tree is applied by the engine into a scratch root seeded with a fresh Debian 12
/// (`ReviewSeed`), exactly as `apply --root` would, and the head tree is then planned
/// against that root: the plan's changes are what merging will do, with the same addresses,
/// causes and diffs as `reconcile plan` will show, and the plugins' notes (exposure before
/// and after). A host new at head is planned against the fresh root; a host with a snapshot
/// is planned against the snapshot instead, so its drift shows beside the change. Nothing is
/// written outside the scratch roots, which are removed.
public struct Reviewer: Sendable {
  /// The engine with every plugin.
  public var engine: Engine
  /// Plugins whose apply needs root (e.g. `users`, which runs shadow-utils).
  public var pluginsNeedingRoot: Set<String>
  /// Whether this process may apply into scratch roots as reconcile does on a host: files
  /// owned by root, accounts made by shadow-utils. Without it, a host whose base commit has
  /// anything to apply cannot be simulated, and the review fails saying so.
  public var canApply: Bool

  public init(engine: Engine, pluginsNeedingRoot: Set<String>, canApply: Bool) {
    self.engine = engine
    self.pluginsNeedingRoot = pluginsNeedingRoot
    self.canApply = canApply
  }

  /// Reviews the change from `base` to `head`: every affected host, plus the `named` ones
  /// (only those, when given), plus each host of `snapshots`.
  public func review(
    base: any StateTree, head: any StateTree, named: [String] = [],
    snapshots: [HostObservation] = []
  ) throws -> Review {
    var ignored = Diagnostics()
    let baseHosts = Set(
      StateRepository(tree: base, sectionKeys: engine.sectionKeys).hostNames(diagnostics: &ignored))
    let headHosts = Set(
      StateRepository(tree: head, sectionKeys: engine.sectionKeys).hostNames(diagnostics: &ignored))
    var bySnapshot: [String: HostObservation] = [:]
    for snapshot in snapshots {
      guard bySnapshot.updateValue(snapshot, forKey: snapshot.facts.name) == nil else {
        throw ReviewError("two snapshots are of the host '\(snapshot.facts.name)'")
      }
      guard baseHosts.contains(snapshot.facts.name) || headHosts.contains(snapshot.facts.name)
      else {
        throw ReviewError(
          "the snapshot is of the host '\(snapshot.facts.name)', which neither commit declares")
      }
    }
    for name in named where !baseHosts.contains(name) && !headHosts.contains(name) {
      throw ReviewError("no host '\(name)' in either commit (hosts/\(name).yaml exists in neither)")
    }
    let candidates = named.isEmpty ? baseHosts.union(headHosts).union(bySnapshot.keys) : Set(named)
    var reviews: [HostReview] = []
    for host in candidates.sorted() {
      let input = HostInput(
        name: host, inBase: baseHosts.contains(host), inHead: headHosts.contains(host),
        snapshot: bySnapshot[host], named: named.contains(host))
      let review = try self.review(input, base: base, head: head)
      if review.status != .unchanged || input.named || input.snapshot != nil {
        reviews.append(review)
      }
    }
    return Review(base: base.origin, head: head.origin, hosts: reviews)
  }

  /// What the review knows about a host before looking at it.
  struct HostInput {
    var name: String
    var inBase: Bool
    var inHead: Bool
    var snapshot: HostObservation?
    var named: Bool
  }

  private func review(_ input: HostInput, base: any StateTree, head: any StateTree) throws
    -> HostReview
  {
    let host = input.name
    var baseDiagnostics = Diagnostics()
    let baseLoaded =
      input.inBase ? engine.load(tree: base, host: host, diagnostics: &baseDiagnostics) : nil
    guard input.inHead else {
      return HostReview(
        host: host, status: .removed, basis: .none,
        remarks: [
          "The host file hosts/\(host).yaml is removed: reconcile on \(host) will refuse to run "
            + "(no such host) and leave what it installed in place"
        ])
    }
    var headDiagnostics = Diagnostics()
    let headLoaded = engine.load(tree: head, host: host, diagnostics: &headDiagnostics)
    if input.snapshot == nil, let baseLoaded, let headLoaded,
      let before = HostInputs.fingerprint(of: baseLoaded.declarations),
      before == HostInputs.fingerprint(of: headLoaded.declarations)
    {
      return HostReview(host: host, status: .unchanged, basis: .none)
    }
    guard let headLoaded else {
      let new = Self.new(headDiagnostics.sorted, since: baseDiagnostics.sorted)
      let status: HostReview.Status =
        new.isEmpty && input.inBase && baseLoaded == nil ? .unchanged : .invalid
      return HostReview(
        host: host, status: status, basis: .none, newDiagnostics: new,
        remarks: ["The head commit has errors for \(host): reconcile would refuse to apply it"])
    }

    var remarks: [String] = []
    let basis: HostReview.Basis
    let observation: HostObservation
    var basePlanDiagnostics: [Diagnostic] = []
    if let snapshot = input.snapshot {
      basis = .snapshot
      observation = snapshot
    } else {
      let scratch = try ScratchRoot()
      let target = Host(fs: scratch.fs, facts: Self.facts(host))
      var ledger = Ledger()
      if let baseLoaded {
        basis = .base
        basePlanDiagnostics = try simulate(baseLoaded, on: target, ledger: &ledger)
      } else {
        basis = .fresh
        if input.inBase {
          remarks.append(
            "The base commit has errors for \(host): the head commit was planned against a "
              + "fresh host")
        }
      }
      observation = try engine.observe(headLoaded, host: target, ledger: ledger)
    }
    let plan = try engine.plan(headLoaded, observation: observation)
    let new = Self.new(
      Diagnostics(headDiagnostics.all + plan.diagnostics).sorted,
      since: Diagnostics(baseDiagnostics.all + basePlanDiagnostics).sorted)
    let status: HostReview.Status
    if plan.diagnostics.contains(where: { $0.severity == .error }) {
      status = .invalid
      remarks.append(
        "Planning the head commit found errors for \(host): reconcile would refuse to apply it")
    } else if !input.inBase {
      status = .added
    } else {
      status = plan.changes.isEmpty && new.isEmpty ? .unchanged : .changed
    }
    return HostReview(
      host: host, status: status, basis: basis, plan: plan, newDiagnostics: new, remarks: remarks)
  }

  /// Applies `loaded` to the scratch host as `apply` would; returns the plan's diagnostics.
  private func simulate(_ loaded: Engine.LoadedHost, on host: Host, ledger: inout Ledger) throws
    -> [Diagnostic]
  {
    let name = host.facts.name
    let plan = try engine.plan(loaded, host: host, ledger: ledger)
    guard !plan.diagnostics.contains(where: { $0.severity == .error }) else {
      return plan.diagnostics
    }
    guard !plan.changes.isEmpty else { return plan.diagnostics }
    guard canApply else {
      let accounts = Set(plan.changes.map(\.plugin)).intersection(pluginsNeedingRoot).sorted()
      let what =
        accounts.isEmpty
        ? "it writes files owned by root, as reconcile does on a host"
        : "account changes (\(accounts.joined(separator: ", "))) cannot be simulated without "
          + "root, and files are written owned by root"
      throw ReviewError(
        "cannot simulate the base commit for host '\(name)' without root: \(what); run the "
          + "review as root (sudo, or a container running as root)")
    }
    let report = engine.apply(plan, host: host, ledger: &ledger)
    if let error = report.error {
      throw ReviewError("simulating the base commit for host '\(name)' failed: \(error)")
    }
    if let failed = report.failed.first {
      let reason = failed.message ?? "no reason given"
      throw ReviewError(
        "simulating the base commit for host '\(name)' failed at \(failed.address): \(reason)")
    }
    return plan.diagnostics
  }

  /// The facts of a scratch host: offline, nothing running.
  static func facts(_ host: String) -> HostFacts {
    HostFacts(
      name: host, live: false, liveUnavailableReason: nil,
      stateDirectory: HostConfiguration().stateDirectory)
  }

  /// The diagnostics of `head` that `base` does not have. Lines and columns are not compared
  /// (an edit above a warning moves it without making it new); each occurrence counts.
  static func new(_ head: [Diagnostic], since base: [Diagnostic]) -> [Diagnostic] {
    var remaining: [String: Int] = [:]
    for diagnostic in base { remaining[key(diagnostic), default: 0] += 1 }
    return head.filter { diagnostic in
      let key = key(diagnostic)
      guard let count = remaining[key], count > 0 else { return true }
      remaining[key] = count - 1
      return false
    }
  }

  private static func key(_ diagnostic: Diagnostic) -> String {
    [
      diagnostic.severity.rawValue, diagnostic.code, diagnostic.position?.file ?? "",
      diagnostic.message,
    ]
    .joined(separator: "\u{0}")
  }
}

/// A review that could not be made, in one sentence.
public struct ReviewError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
