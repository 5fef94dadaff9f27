import Foundation
import Testing

extension BedTests {
  /// The manager client against a real systemd 252 booted in a container.
  @Suite struct SystemdManagerClientTests {
    let unit = """
      [Unit]
      Description=SystemdBus test service
      [Service]
      ExecStart=/bin/sleep infinity
      [Install]
      WantedBy=multi-user.target

      """

    @Test func reloadEnableStartRestartDriveTheRealManager() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        // Not loaded: read without loading it (inactive, no load state).
        let before = try bed.probe(["state", "sbt-a.service"])
        #expect(before.states?["sbt-a.service"]?.loadState == "")
        #expect(before.states?["sbt-a.service"]?.activeState == "inactive")

        try bed.write("/etc/systemd/system/sbt-a.service", unit)
        let reload = try bed.probe(["reload"])
        #expect(reload.error == nil)
        #expect(reload.changingCalls == 1)
        // Loaded by hand (as a dependency would): now its own state is read.
        _ = try bed.run(["systemctl", "status", "--no-pager", "sbt-a.service"], check: false)
        let loaded = try #require(
          try bed.probe(["state", "sbt-a.service"]).states?["sbt-a.service"])
        if loaded.loadState == "loaded" {
          #expect(loaded.unitFileState == "disabled")
        } else {
          // Collected again between the two commands: reported as not loaded.
          #expect(loaded.loadState == "")
        }
        #expect(loaded.activeState == "inactive")
        #expect(loaded.invocationID == "")

        let enable = try bed.probe(["enable", "sbt-a.service"])
        #expect(enable.error == nil)
        #expect(bed.exists("/etc/systemd/system/multi-user.target.wants/sbt-a.service"))

        let start = try bed.probe(["start", "sbt-a.service", "30"])
        #expect(start.result == "done")
        let running = try #require(
          try bed.probe(["state", "sbt-a.service"]).states?["sbt-a.service"])
        #expect(running.activeState == "active")
        #expect(running.subState == "running")
        #expect(running.unitFileState == "enabled")
        #expect(running.invocationID.count == 32)
        #expect(running.invocationID.allSatisfy { $0.isHexDigit })
        // systemd's own view of the same ID.
        let shown = try bed.run(["systemctl", "show", "-P", "InvocationID", "sbt-a.service"])
        #expect(
          shown.output.trimmingCharacters(in: .whitespacesAndNewlines) == running.invocationID)

        let restart = try bed.probe(["restart", "sbt-a.service", "30"])
        #expect(restart.result == "done")
        let restarted = try #require(
          try bed.probe(["state", "sbt-a.service"]).states?["sbt-a.service"])
        #expect(restarted.activeState == "active")
        #expect(restarted.invocationID.count == 32)
        #expect(restarted.invocationID != running.invocationID)

        let stop = try bed.probe(["stop", "sbt-a.service", "30"])
        #expect(stop.result == "done")
        let disable = try bed.probe(["disable", "sbt-a.service"])
        #expect(disable.error == nil)
        #expect(!bed.exists("/etc/systemd/system/multi-user.target.wants/sbt-a.service"))
        let stopped = try bed.probe(["state", "sbt-a.service"]).states?["sbt-a.service"]
        #expect(stopped?.activeState == "inactive")
        // Still loaded (disabled), or already collected (no unit-file state read).
        #expect(stopped?.unitFileState == "disabled" || stopped?.loadState == "")
      }
    }

    @Test func readingStatesChangesNothingAndCostsOneCallPerLoadedUnit() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        let units = [
          "systemd-journald.service", "dbus.service", "systemd-logind.service",
          "getty@tty1.service", "multi-user.target", "basic.target", "sysinit.target",
          "systemd-tmpfiles-clean.timer", "no-such-unit.service", "getty@.service",
        ]
        let before = try bed.run(["journalctl", "-o", "cat", "-u", "init.scope"]).output
        let read = try bed.probe(["state"] + units)
        #expect(read.error == nil)
        #expect(read.changingCalls == 0)
        // One list of the loaded units, one GetUnitFileState for the template, one GetAll
        // for each of the eight loaded units; none for no-such-unit.service.
        #expect(read.methodCalls == 1 + 1 + 8)
        #expect(read.states?.count == units.count)
        #expect(read.states?["dbus.service"]?.activeState == "active")
        #expect(read.states?["dbus.service"]?.loadState == "loaded")
        #expect(read.states?["no-such-unit.service"]?.loadState == "")
        #expect(read.states?["no-such-unit.service"]?.activeState == "inactive")
        // A template has no runtime state, only its unit file state.
        #expect(read.states?["getty@.service"]?.unitFileState == "enabled")
        #expect(read.states?["getty@.service"]?.activeState == "")
        print(
          "states of \(units.count) units: \(read.methodCalls ?? 0) calls, \(read.seconds ?? 0) s")
        let after = try bed.run(["journalctl", "-o", "cat", "-u", "init.scope"]).output
        #expect(!after.dropFirst(before.count).contains("Reloading"))
      }
    }

    @Test func readingTheStateOfAnUnloadedUnitDoesNotLoadIt() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        try bed.write("/etc/systemd/system/sbt-idle.service", unit)
        #expect(try bed.probe(["reload"]).error == nil)
        let isLoaded = { () throws -> Bool in
          try bed.run(["systemctl", "list-units", "--all", "--no-legend", "sbt-idle.service"]).output
            .contains("sbt-idle.service")
        }
        #expect(try !isLoaded())
        let read = try bed.probe(["state", "sbt-idle.service", "dbus.service"])
        #expect(read.states?["sbt-idle.service"]?.activeState == "inactive")
        #expect(read.states?["sbt-idle.service"]?.loadState == "")
        #expect(read.states?["dbus.service"]?.loadState == "loaded")
        #expect(read.methodCalls == 2)
        #expect(try !isLoaded())
      }
    }

    /// A start job waits as long as the service type says: a oneshot until it exits, an
    /// exec service until execve worked, a simple service only until fork. The first two
    /// report the failure in the job; the third is `done` and fails right after.
    @Test(arguments: [
      ("Type=oneshot\nExecStart=/bin/false", "failed"),
      ("Type=exec\nExecStart=/nonexistent/program", "failed"),
      ("Type=simple\nExecStart=/bin/false", "done"),
    ])
    func aUnitWhoseExecStartFailsEndsFailed(service: String, jobResult: String) throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        try bed.write("/etc/systemd/system/sbt-fail.service", "[Service]\n\(service)\n")
        _ = try bed.probe(["reload"])
        let start = try bed.probe(["start", "sbt-fail.service", "30"])
        #expect(start.error == nil)
        #expect(start.result == jobResult)
        var state: UnitStateJSON?
        for _ in 0..<50 {
          state = try bed.probe(["state", "sbt-fail.service"]).states?["sbt-fail.service"]
          if state?.activeState == "failed" { break }
          usleep(100_000)
        }
        #expect(state?.activeState == "failed")
        #expect(state?.subState == "failed")
      }
    }

    @Test func aJobStillRunningAtTheTimeoutReportsTimeout() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        try bed.write(
          "/etc/systemd/system/sbt-slow.service",
          "[Service]\nType=oneshot\nExecStart=/bin/sleep 60\n")
        _ = try bed.probe(["reload"])
        let start = try bed.probe(["start", "sbt-slow.service", "1.5"])
        #expect(start.result == "timeout")
        #expect((start.seconds ?? 0) >= 1.5)
        #expect((start.seconds ?? 99) < 5)
        let state = try bed.probe(["state", "sbt-slow.service"]).states?["sbt-slow.service"]
        #expect(state?.activeState == "activating")
      }
    }

    @Test func errorsCarryTheDBusErrorName() throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        let start = try bed.probe(["start", "sbt-missing.service"])
        #expect(start.result == nil)
        let error = try #require(start.error)
        #expect(error.contains("Manager.StartUnit(sbt-missing.service)"))
        #expect(error.contains("org.freedesktop.systemd1.NoSuchUnit"))
      }
    }

    /// The units plugin reloads, then enables and restarts on the same connection: the
    /// connection and its JobRemoved subscription must outlive each Reload, on the private
    /// socket and on the system bus alike.
    @Test(arguments: [[], ["--system-bus"]])
    func oneConnectionOutlivesReloads(connection: [String]) throws {
      try ProbeBed.withBed(probe: try staticProbe.get()) { bed in
        try bed.write("/etc/systemd/system/sbt-a.service", unit)
        let outputs = try bed.probeAll(
          connection + [
            "reload", "+", "enable", "sbt-a.service", "+", "start", "sbt-a.service", "+",
            "reload", "+", "restart", "sbt-a.service", "+", "state", "sbt-a.service",
          ])
        #expect(outputs.count == 6)
        #expect(outputs.allSatisfy { $0.error == nil })
        #expect(outputs[2].result == "done")
        #expect(outputs[4].result == "done")
        #expect(outputs[5].changingCalls == 5)
        #expect(outputs[5].states?["sbt-a.service"]?.activeState == "active")
        #expect(outputs[5].states?["sbt-a.service"]?.unitFileState == "enabled")
        let reloads = try bed.run(["journalctl", "-o", "cat", "-u", "init.scope"]).output
        #expect(reloads.components(separatedBy: "Reloading.").count - 1 == 2)
      }
    }
  }
}
