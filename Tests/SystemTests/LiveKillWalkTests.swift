import Foundation
import TestSupport
import Testing

/// `reconcile apply` of the example host onto a live, booted systemd, killed with SIGKILL
/// (`strace -e inject=SYSCALL:signal=KILL:when=N`) at each call that writes: each temporary
/// file (fchown right after it is created), fsync, rename, symlink, folder and removal,
/// before (clone3) and after (lseek of its output) each shadow-utils or podman command, and
/// each D-Bus message to systemd, logind and the users' managers (sd-bus sends every message
/// with `sendmsg` on the bus socket; strace in the bed shows no `writev`).
///
/// Every point starts from the same host: the bed is stopped at once, its disk put back from
/// a snapshot layer taken before the first run, and booted again (`scripts/testbed restore`,
/// under a second). After each kill: the account files parse and pass `pwck -r`/`grpck -r`,
/// every file and link in the unit folders is either as it was before the run or as a
/// complete run writes it; then the next `apply` succeeds, leaves no `.*.reconcile-tmp`, the
/// unit folders are exactly what a complete run writes, and a `plan` reports nothing to do.
/// The next plan calls nothing drift: a unit file the killed run wrote but did not record is
/// finished (reloaded, started or restarted) as the killed run's own work, and so is an image
/// it claimed in the ledger's journal but did not load.
///
/// The example's apply has about 390 points (fchown 37, fsync 135, renameat 36, symlinkat 2,
/// mkdirat 17, unlinkat 37, clone3 21, lseek 64, sendmsg 40; the journal's appends are the
/// fsyncs). A point costs about 3.5 s (restore, the killed run, the checks, a full run, a
/// plan), so the walk, every point on two beds by default, takes 15 to 20 minutes on this
/// 2-core machine. `RECONCILE_LIVE_KILL_WALK=sample` walks `RECONCILE_LIVE_KILL_WALK_PER_CALL`
/// (default 3) points of each call instead: its first, middle and last;
/// `RECONCILE_LIVE_KILL_WALK_BEDS` sets the number of beds, and
/// `RECONCILE_LIVE_KILL_WALK_POINTS=fchown#6,sendmsg#12` walks only the points named (to
/// replay a failure). Offline, under `--root`,
/// `CrashSafetyTests` walks every point of the same calls (no D-Bus there).
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct LiveKillWalkTests {
  /// The calls walked.
  static let syscalls = [
    "fchown", "fsync", "renameat", "symlinkat", "mkdirat", "unlinkat", "clone3", "lseek",
    "sendmsg",
  ]

  static var environment: [String: String] { ProcessInfo.processInfo.environment }
  static var everyPoint: Bool { environment["RECONCILE_LIVE_KILL_WALK"] != "sample" }
  static var perCall: Int { Int(environment["RECONCILE_LIVE_KILL_WALK_PER_CALL"] ?? "") ?? 3 }
  /// Two beds by default: a point spends much of its time waiting on systemd, podman and the
  /// bed's boot, so two beds on two cores walk faster than one.
  static var bedCount: Int { max(1, Int(environment["RECONCILE_LIVE_KILL_WALK_BEDS"] ?? "") ?? 2) }

  /// What a complete run from the snapshot does and leaves.
  struct Reference: Sendable {
    /// Calls of each walked system call by reconcile's own process.
    var counts: [String: Int]
    /// The unit folders before the run and after it.
    var before: [String: String]
    var after: [String: String]
    /// What pwck and grpck say about the untouched bed.
    var stock: Set<String>
  }

  /// What happened at one point.
  struct Outcome: Sendable {
    var point: KillPoint
    var killed: Bool
    /// Whether the next plan called some of the killed run's work "drift".
    var startCalledDrift: Bool
  }

  @Test("apply killed at every write, live: the host stays sound and the next run converges")
  func killedAtEveryWrite() async throws {
    let beds = try await withThrowingTaskGroup(of: TestBed.self) { group in
      for index in 0..<Self.bedCount {
        group.addTask {
          let bed = try await TestBed.boot(name: "killwalk-\(index)")
          try await bed.installExample(at: "/srv/state")
          try await bed.snapshot()
          return bed
        }
      }
      return try await group.reduce(into: [TestBed]()) { $0.append($1) }
    }
    do {
      let reference = try await Self.reference(beds[0])
      let points = Self.points(reference.counts)
      print(
        "live kill walk: \(points.count) points on \(beds.count) beds (\(Self.everyPoint ? "every point" : "\(Self.perCall) per call"))"
      )
      let started = Date()
      let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
        for (index, bed) in beds.enumerated() {
          let chunk = points.enumerated().filter { $0.offset % beds.count == index }.map(\.element)
          group.addTask {
            var outcomes: [Outcome] = []
            for point in chunk {
              outcomes.append(try await Self.walk(point, on: bed, reference: reference))
            }
            return outcomes
          }
        }
        return try await group.reduce(into: [Outcome]()) { $0 += $1 }
      }
      for syscall in Self.syscalls {
        let mine = outcomes.filter { $0.point.syscall == syscall }
        let killed = mine.filter(\.killed).count
        print("live kill walk: \(syscall): \(killed) kill points walked of \(reference.counts[syscall] ?? 0)")
      }
      let killed = outcomes.filter(\.killed).count
      let drift = outcomes.filter(\.startCalledDrift).count
      print(
        "live kill walk: \(killed) kill points in \(Int(Date().timeIntervalSince(started))) s; after \(drift), the next plan called the killed run's work drift"
      )
      #expect(killed == points.count, "every chosen point was reached")
    } catch {
      for bed in beds { try? await bed.poweroff() }
      throw error
    }
    for bed in beds { try await bed.poweroff() }
  }

  /// One complete run from the snapshot, counted; the bed is restored afterwards.
  static func reference(_ bed: TestBed) async throws -> Reference {
    let before = try LiveHost.unitFiles(bed)
    let stock = try await LiveHost.stockComplaints(bed)
    let trace = ["strace", "-qq", "-o", "/tmp/count.log", "-e", "trace=\(syscalls.joined(separator: ","))"]
    let run = try await bed.exec(trace + LiveHost.apply)
    guard run.succeeded else { throw KillWalkError(message: "the reference run failed: \(run)") }
    var counts: [String: Int] = [:]
    for line in try await bed.run(["cat", "/tmp/count.log"]).split(separator: "\n") {
      guard let name = line.split(separator: "(").first.map(String.init), syscalls.contains(name)
      else { continue }
      counts[name, default: 0] += 1
    }
    let plan = try await bed.exec(LiveHost.plan)
    guard plan.status == 0 else { throw KillWalkError(message: "the reference run did not converge: \(plan)") }
    let after = try LiveHost.unitFiles(bed)
    try await bed.restore()
    return Reference(counts: counts, before: before, after: after, stock: stock)
  }

  /// The points `RECONCILE_LIVE_KILL_WALK_POINTS` names (`CALL#N`, comma-separated), if set.
  static var namedPoints: [KillPoint]? {
    guard let list = environment["RECONCILE_LIVE_KILL_WALK_POINTS"], !list.isEmpty else { return nil }
    return list.split(separator: ",").compactMap { item in
      let parts = item.split(separator: "#")
      guard parts.count == 2, let occurrence = Int(parts[1]) else { return nil }
      return KillPoint(String(parts[0]), occurrence)
    }
  }

  /// The named points, every point, or `perCall` of each call spread evenly from its first
  /// to its last.
  static func points(_ counts: [String: Int]) -> [KillPoint] {
    if let named = namedPoints { return named }
    return syscalls.flatMap { syscall -> [KillPoint] in
      let total = counts[syscall] ?? 0
      guard total > 0 else { return [] }
      let chosen =
        everyPoint || total <= perCall
        ? Array(1...total)
        : Array(Set((0..<perCall).map { 1 + $0 * (total - 1) / max(1, perCall - 1) })).sorted()
      return chosen.map { KillPoint(syscall, $0) }
    }
  }

  /// Kills a run from the snapshot at `point`, checks the host, runs again, checks again.
  static func walk(_ point: KillPoint, on bed: TestBed, reference: Reference) async throws -> Outcome {
    try await bed.restore()
    let log = "/tmp/kill.log"
    let run = try await bed.exec(
      [
        "strace", "-qq", "-o", log, "-e", "trace=\(point.syscall)",
        "-e", "inject=\(point.syscall):signal=KILL:when=\(point.occurrence)",
      ] + LiveHost.apply)
    let lines = try await bed.run(["cat", log]).split(separator: "\n").map(String.init)
    let killed = lines.contains { $0.contains("+++ killed by SIGKILL") }
    let call = lines.last { $0.hasPrefix(point.syscall + "(") } ?? ""
    let what = "\(point) (\(call.prefix(160)))"
    if !killed {
      #expect(run.status == 0, "\(point): not reached, and the run failed: \(run)")
    }
    try await LiveHost.waitForOrphans(bed)
    #expect(try await LiveHost.accountProblems(bed, stock: reference.stock) == [], "after \(what)")
    for (path, contents) in try LiveHost.unitFiles(bed) where !path.hasSuffix(".reconcile-tmp") {
      #expect(
        contents == reference.after[path] || contents == reference.before[path],
        "after \(what): \(path) is partial or foreign")
    }
    // What the killed run left undone (a reload, a start, a restart) is its own unfinished
    // work, not drift: the next apply finishes it and exits 0.
    let pending = try await Self.driftChanges(bed)
    #expect(pending.isEmpty, "after \(what): the next plan calls the killed run's work drift: \(pending)")
    let next = try await bed.exec(LiveHost.apply)
    #expect(next.status == 0, "after \(what): the next apply: \(next)")
    #expect(try await LiveHost.temporaries(bed) == [], "after \(what) and a full run")
    #expect(try await LiveHost.accountProblems(bed, stock: reference.stock) == [], "after \(what), then a full run")
    let files = try LiveHost.unitFiles(bed)
    #expect(files == reference.after, "after \(what), then a full run: \(Self.differences(files, reference.after))")
    let plan = try await bed.exec(LiveHost.plan)
    if plan.status != 0 {
      // The end of the bed's journal (system and user managers) says why, on a CI log.
      let journal = try await bed.exec(["journalctl", "--no-pager", "-n", "120", "-o", "short-monotonic"])
      Issue.record("after \(what), then a full run, a plan still shows changes: \(plan)\njournal:\n\(journal.stdout)")
    }
    return Outcome(point: point, killed: killed, startCalledDrift: !pending.isEmpty)
  }

  /// The addresses of the changes `plan` calls drift or conflict.
  static func driftChanges(_ bed: TestBed) async throws -> [String] {
    let plan = try await bed.exec(LiveHost.plan + ["--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
    let changes = object?["changes"] as? [[String: Any]] ?? []
    return changes.filter { ["drift", "conflict"].contains($0["cause"] as? String) }
      .compactMap { $0["address"] as? String }
  }

  static func differences(_ found: [String: String], _ expected: [String: String]) -> [String] {
    Set(found.keys).union(expected.keys).filter { found[$0] != expected[$0] }.sorted()
  }
}
