import Core
import Foundation
import TestSupport
import Testing

/// Drift classes, the exit codes monitoring relies on, the run log, `drift` and metrics.
@Suite struct DriftCommandTests {
  let scratch: ScratchDirectory
  let root: String
  let repo: String

  init() throws {
    scratch = try ScratchDirectory("drift")
    try scratch.copy(from: exampleRepository, to: "repo")
    repo = scratch.join("repo")
    root = try scratch.sub("root")
    try DebianRoot.seed(root)
  }

  func reconcile(_ command: String, _ extra: [String] = []) throws -> CommandResult {
    try TestCommand.reconcile([command, "--repo", repo, "--host", "gemini", "--root", root] + extra)
  }

  func editByHand() throws {
    let unit = "\(root)/etc/systemd/system/report.timer"
    try (try String(contentsOfFile: unit, encoding: .utf8) + "OnBootSec=1min\n").write(
      toFile: unit, atomically: false, encoding: .utf8)
  }

  @Test func planExitCodesTellTheFourSituationsApart() throws {
    #expect(try reconcile("plan").status == 2, "repository changes pending")
    #expect(try reconcile("apply").status == 0)
    #expect(try reconcile("plan").status == 0, "in sync")
    try editByHand()
    #expect(try reconcile("plan").status == 4, "drift")
    try scratch.write("repo/roles/report/units/report.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n")
    #expect(try reconcile("plan").status == 6, "both")
    let apply = try reconcile("apply")
    #expect(apply.status == 4, "applied after reverting drift: \(apply.stderr)")
    #expect(try reconcile("plan").status == 0)
  }

  @Test func revertedDriftIsRecordedAndListed() throws {
    #expect(try reconcile("apply").status == 0)
    let beforeNoOp = try TreeSnapshot(root)
    #expect(try reconcile("apply").status == 0)
    #expect(try TreeSnapshot(root).differences(from: beforeNoOp) == [], "a run with nothing to do writes nothing")
    try editByHand()
    #expect(try reconcile("apply").status == 4)
    #expect(!(try scratch.read("root/etc/systemd/system/report.timer")).contains("OnBootSec"))
    let drift = try TestCommand.reconcile(["drift", "--root", root])
    #expect(drift.status == 0)
    #expect(drift.stdout.contains("unit:report.timer  drift  reverted"), "\(drift.stdout)")
    let json = try TestCommand.reconcile(["drift", "--root", root, "--format", "json", "--since", "1h"])
    let events = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect(events?.count == 1)
    #expect(events?.first?["resource"] as? String == "unit:report.timer")
    #expect(events?.first?["class"] as? String == "drift")
    #expect(events?.first?["module"] as? String == "units")
    // --since also takes a date, or a date and time (ISO 8601), and names what it cannot read.
    let stamp = events?.first?["time"] as? String ?? ""
    #expect(stamp.count == 20 && stamp.hasSuffix("Z"), "\(stamp)")
    for (since, count) in [("2000-01-01", 1), ("2000-01-01T00:00:00Z", 1), ("2999-01-01", 0), (stamp, 1)] {
      let listed = try TestCommand.reconcile(["drift", "--root", root, "--format", "json", "--since", since])
      let found = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
      #expect(found?.count == count, "--since \(since): \(listed.stdout) \(listed.stderr)")
    }
    let wrong = try TestCommand.reconcile(["drift", "--root", root, "--since", "last tuesday"])
    #expect(wrong.status != 0)
    #expect(wrong.stderr.contains("--since takes a duration such as 2h or a date such as 2026-11-29"))
    let records = try String(contentsOfFile: "\(root)/var/lib/reconcile/runs.jsonl", encoding: .utf8)
    #expect(records.split(separator: "\n").count == 2, "the first apply and the one that reverted drift")
  }

  @Test func reportOnlyDriftIsShownAndLeftAlone() throws {
    try scratch.write(
      "repo/hosts/gemini.yaml",
      "roles: [bitcoin, lightning, report, matrix]\ndrift:\n  resources:\n    \"unit:report.timer\": report\n")
    #expect(try reconcile("apply").status == 0)
    try editByHand()
    let plan = try reconcile("plan")
    #expect(plan.status == 4)
    #expect(plan.stdout.contains("! unit:report.timer"))
    #expect(plan.stdout.contains("[drift, report only]"))
    let apply = try reconcile("apply")
    #expect(apply.status == 4)
    #expect(try scratch.read("root/etc/systemd/system/report.timer").contains("OnBootSec=1min"))
    let drift = try TestCommand.reconcile(["drift", "--root", root])
    #expect(drift.stdout.contains("unit:report.timer  drift  reported"))
  }

  @Test func anUnknownModuleInTheDriftPolicyIsAnError() throws {
    try scratch.write("repo/hosts/gemini.yaml", "roles: [report]\ndrift:\n  modules:\n    unit: report\n")
    let result = try reconcile("plan")
    #expect(result.status == 1)
    #expect(result.stderr.contains("hosts/gemini.yaml:4:5: error: no module named 'unit'"))
    #expect(result.stderr.contains("did you mean 'units'?"))
  }

  @Test func metricsParseAndMatchTheRecords() throws {
    try scratch.write(
      "root/etc/reconcile/config.yaml", "metrics-file: /var/lib/node-exporter/reconcile.prom\n", mode: 0o644)
    #expect(try reconcile("apply").status == 0)
    try editByHand()
    #expect(try reconcile("apply").status == 4)
    let parser = """
      import sys, json
      from prometheus_client.parser import text_string_to_metric_families
      out = {}
      for family in text_string_to_metric_families(open(sys.argv[1]).read()):
          for sample in family.samples:
              key = sample.name + "".join("," + k + "=" + v for k, v in sorted(sample.labels.items()))
              out[key] = sample.value
      print(json.dumps(out))
      """
    let result = try TestCommand.run(["/usr/bin/python3", "-c", parser, "\(root)/var/lib/node-exporter/reconcile.prom"])
    #expect(result.status == 0, "\(result.stderr)")
    let values = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double]
    #expect(values?["reconcile_last_run_success"] == 1)
    #expect(values?["reconcile_last_run_changes_applied"] == 1)
    #expect(values?["reconcile_last_run_drift_events,module=units"] == 1)
    #expect(values?["reconcile_pending_changes"] == 0)
    let last = try #require(
      try String(contentsOfFile: "\(root)/var/lib/reconcile/runs.jsonl", encoding: .utf8).split(separator: "\n").last)
    let record = try JSONDecoder().decode(RunRecord.self, from: Data(last.utf8))
    #expect(
      values?["reconcile_last_run_timestamp_seconds"] == record.time.rounded(.towardZero)
        || abs((values?["reconcile_last_run_timestamp_seconds"] ?? 0) - record.time) < 1)
  }
}
