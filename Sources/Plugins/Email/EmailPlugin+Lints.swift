import Core

extension EmailPlugin {
  /// systemd's defaults (systemd-system.conf(5)): `DefaultStartLimitIntervalSec=10s`,
  /// `DefaultStartLimitBurst=5`, and `RestartSec=100ms` (systemd.service(5)).
  static let defaultInterval = TimeSpan("10s")!
  static let defaultBurst = 5
  static let defaultRestartDelay = TimeSpan("100ms")!

  /// `OnFailure=` (and its `[Unit]`-only relatives) anywhere but `[Unit]`, in any
  /// repository unit or drop-in, with or without an email declaration: systemd ignores it
  /// there ("Unknown key name 'OnFailure' in section 'Service', ignoring"), so the unit
  /// silently has no failure handling. An error: it is always a mistake and easy to fix.
  static func lintPlacement(_ units: [RepositoryUnit], diagnostics: inout Diagnostics) {
    let unitOnly = ["OnFailure", "OnSuccess", "OnFailureJobMode", "OnSuccessJobMode"]
    for unit in units {
      let files = [(unit.path, unit.parsed)] + unit.dropIns.map { ($0.path, $0.parsed) }
      for (path, file) in files {
        for assignment in file.assignments(ofKeys: unitOnly) where assignment.section != "Unit" {
          diagnostics.error(
            "\(assignment.key)= under [\(assignment.section)] does nothing: systemd reads "
              + "it only in [Unit]",
            at: SourcePosition(file: path, line: assignment.line), code: "on-failure-section",
            notes: [
              "move '\(assignment.key)=\(assignment.value)' into the [Unit] section of \(unit.name)"
            ])
        }
      }
    }
  }

  /// Warns about an `OnFailure=` the unit already has, and checks that a watched unit with
  /// `Restart=` can reach the failed state (which alone
  /// starts `OnFailure=`): it needs a start limit its restarts can hit. Returns true when the
  /// declared `start-limit` is to be added through the drop-in (the unit sets none itself).
  static func lintWatched(
    _ unit: ManagedUnit, email: EmailDeclaration, diagnostics: inout Diagnostics
  ) -> Bool {
    let file = unit.merged
    let restartAssignment = file.lastAssignment("Service", "Restart")
    for assignment in file.assignments
    where assignment.section == "Unit" && assignment.key == "OnFailure" {
      diagnostics.warning(
        "\(unit.name) already has OnFailure=\(assignment.value); reconcile adds "
          + "status-email@%n.service beside it",
        at: unit.position(of: assignment), code: "on-failure-kept")
    }
    guard let restart = file.value("Service", "Restart"), restart != "no" else { return false }
    let intervalAssignment =
      file.lastAssignment("Unit", "StartLimitIntervalSec") ?? file.lastAssignment(
        "Unit", "StartLimitInterval")
      ?? file.lastAssignment("Service", "StartLimitInterval")
    let burstAssignment =
      file.lastAssignment("Unit", "StartLimitBurst")
      ?? file.lastAssignment("Service", "StartLimitBurst")
    let delay = file.value("Service", "RestartSec").flatMap(TimeSpan.init) ?? defaultRestartDelay
    let at = unit.position(of: restartAssignment)

    if intervalAssignment == nil && burstAssignment == nil {
      if let limit = email.startLimit {
        if !trips(interval: limit.interval, burst: limit.burst, delay: delay) {
          diagnostics.warning(
            "the start limit of email (\(limit.burst) starts in \(limit.interval)) is never "
              + "reached by \(unit.name), "
              + "which restarts every \(delay): it never fails, so no mail is sent",
            at: limit.position, code: "start-limit-unreachable",
            notes: [
              "raise 'interval' above \(limit.burst) x \(delay), or lower RestartSec= of "
                + "\(unit.name)"
            ])
        }
        return true
      }
      let defaultTrips = trips(interval: defaultInterval, burst: defaultBurst, delay: delay)
      diagnostics.warning(
        "\(unit.name) has Restart=\(restart) but no start limit: it fails (and mails) only "
          + "once systemd's default "
          + "limit of \(defaultBurst) starts in \(defaultInterval) is hit"
          + (defaultTrips ? "" : ", which restarts every \(delay) never reach"),
        at: at, code: "restart-without-start-limit",
        notes: [
          "add to [Unit] of \(unit.name): StartLimitIntervalSec=10min and StartLimitBurst=5 "
            + "(choose your own),",
          "or let reconcile add it: email: { start-limit: { interval: 10min, burst: 5 } }",
        ])
      return false
    }
    let intervalText = intervalAssignment?.value ?? defaultInterval.text
    let burst = burstAssignment.flatMap { Int($0.value) } ?? defaultBurst
    guard let interval = TimeSpan(intervalText) else { return false }
    if interval.seconds == 0 || interval.seconds.isInfinite || burst == 0 {
      diagnostics.warning(
        "\(unit.name) switches its start limit off, so with Restart=\(restart) it never "
          + "fails and no mail is sent",
        at: unit.position(of: intervalAssignment ?? burstAssignment),
        code: "start-limit-unreachable",
        notes: [
          "set StartLimitIntervalSec= and StartLimitBurst= to a limit its restarts can hit, "
            + "e.g. 10min and 5"
        ])
    } else if !trips(interval: interval, burst: burst, delay: delay) {
      diagnostics.warning(
        "\(unit.name) restarts every \(delay), so its start limit of \(burst) starts in "
          + "\(interval) is never reached: "
          + "it never fails and no mail is sent",
        at: unit.position(of: intervalAssignment ?? burstAssignment),
        code: "start-limit-unreachable",
        notes: [
          "make StartLimitIntervalSec= longer than \(burst) x RestartSec=, or lower RestartSec="
        ])
    }
    return false
  }

  /// Whether `burst + 1` starts, `delay` apart, fit in `interval`: the last is then refused
  /// and the unit fails (systemd's ratelimit allows `burst` starts per interval).
  static func trips(interval: TimeSpan, burst: Int, delay: TimeSpan) -> Bool {
    Double(burst) * delay.seconds < interval.seconds
  }
}
