import Core
import Foundation
import Hardening
import TestSupport
import Testing

/// The hardening plugin on the engine: decoding, the rules that keep a unit's needs, the
/// exposure policy in `check` and `plan`, and drop-ins installed by the units plugin.
@Suite struct HardeningPluginTests {
  static let service = """
    [Unit]
    Description=App

    [Service]
    User=app
    ExecStart=/usr/local/bin/app

    """

  @Test func unknownProfilesAndDirectivesAreErrorsWithFileAndLine() throws {
    let repository = try HardeningRepository(
      role: """
        hardening:
          profiles:
            node:
              base: nosuch
              set: { ProtectHome: read-only }
          units:
            app.service:
              profile: stirct
              add: { ProtectHom: "yes", ReadWritePaths: "/srv/a\\n[Unit]" }
              remove: [PrivateNetwrok]
              max-exposure: 12.5
            other.service: { profile: strict }
        """, units: ["app.service": Self.service])
    let errors = repository.loadDiagnostics().errors
    func error(_ code: String, line: Int) -> Diagnostic? {
      errors.first { $0.code == code && $0.position?.line == line }
    }
    let file = "roles/app/role.yaml"
    #expect(errors.allSatisfy { $0.position?.file == file }, "\(errors)")
    let base = try #require(error("unknown-profile", line: 4))
    #expect(base.message.contains("'nosuch'"))
    let profile = try #require(error("unknown-profile", line: 8), "\(errors)")
    #expect(profile.notes.contains("did you mean 'strict'?"))
    let directive = try #require(error("unknown-directive", line: 9))
    #expect(directive.message.contains("'ProtectHom'"))
    #expect(directive.notes == ["did you mean 'ProtectHome'?"])
    #expect(error("invalid-value", line: 9)?.message.contains("line break") == true)
    #expect(error("unknown-directive", line: 10)?.notes == ["did you mean 'PrivateNetwork'?"])
    #expect(error("invalid-value", line: 11)?.message.contains("0.0 to 10.0") == true)
    #expect(error("unknown-unit", line: 12)?.message.contains("other.service") == true)
    #expect(errors.count == 7, "\(errors.map(\.description).joined(separator: "\n"))")
  }

  @Test func aPodmanUnitKeepsItsNamespacesAndSaysSo() throws {
    let unit = """
      [Service]
      User=matrix
      ExecStart=/usr/bin/podman run --rm --name bot localhost/bot

      """
    let repository = try HardeningRepository(
      role: "hardening:\n  units:\n    bot.service: { profile: isolated }\n",
      units: ["bot.service": unit])
    let (dropIn, diagnostics) = try repository.contributedDropIn(for: "bot.service")
    let text = try #require(dropIn)
    for key in ["PrivateNetwork=", "PrivateUsers=", "RestrictNamespaces=", "NoNewPrivileges="] {
      #expect(!text.contains(key), "\(key) must not reach a rootless podman unit:\n\(text)")
    }
    #expect(text.contains("ProtectSystem=strict"), "the rest of the profile still applies")
    let warnings = diagnostics.warnings.filter { $0.code == "hardening-dropped" }
    for directive in [
      "PrivateNetwork=yes", "PrivateUsers=yes", "RestrictNamespaces=yes", "NoNewPrivileges=yes",
    ] {
      #expect(
        warnings.contains { $0.message.hasPrefix("bot.service: \(directive) is not applied") },
        "no warning for \(directive): \(warnings)")
    }
    #expect(
      warnings.allSatisfy {
        $0.position == SourcePosition(file: "roles/app/role.yaml", line: 3, column: 5)
      })
    #expect(!diagnostics.hasErrors)
  }

  @Test func aUnitThePodmanPluginGeneratesIsTreatedAsRootlessPodman() throws {
    let repository = try HardeningRepository(
      role: "hardening:\n  units:\n    matrix-bot.service: { profile: strict }\n", units: [:])
    let (dropIn, diagnostics) = try repository.contributedDropIn(
      for: "matrix-bot.service", [ContainerUnitProducer()])
    let text = try #require(dropIn, "\(diagnostics.all)")
    #expect(!text.contains("PrivateUsers="))
    #expect(
      diagnostics.warnings.contains { $0.message.contains("PrivateUsers=yes is not applied") })
  }

  @Test func aUnitsOwnWritablePathsAreNeverReset() throws {
    let unit = Self.service + "ReadWritePaths=/srv/app\n"
    let repository = try HardeningRepository(
      role: """
        hardening:
          units:
            app.service:
              profile: strict
              add: { ReadWritePaths: ["", /var/cache/app] }
        """, units: ["app.service": unit])
    let (dropIn, diagnostics) = try repository.contributedDropIn(for: "app.service")
    let text = try #require(dropIn)
    #expect(!text.contains("ReadWritePaths=\n"), "an empty ReadWritePaths= would reset /srv/app")
    #expect(text.contains("ReadWritePaths=/var/cache/app\n"), "additions are kept")
    #expect(text.contains("ProtectSystem=strict\n"))
    #expect(
      diagnostics.warnings.contains {
        $0.message
          == "app.service: ReadWritePaths= is not applied: "
          + "it would reset the unit's own ReadWritePaths=/srv/app"
      }, "\(diagnostics.all)")
  }

  @Test func ambientCapabilitiesStayInTheBoundingSet() throws {
    let unit = Self.service + "AmbientCapabilities=CAP_NET_BIND_SERVICE\n"
    let repository = try HardeningRepository(
      role: "hardening:\n  units:\n    app.service: { profile: strict }\n",
      units: ["app.service": unit])
    let (dropIn, _) = try repository.contributedDropIn(for: "app.service")
    let text = try #require(dropIn)
    #expect(!text.contains("AmbientCapabilities=\n"))
    #expect(text.hasSuffix("CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n"))
  }

  @Test func repositoryProfilesBuildOnBuiltInOnes() throws {
    let repository = try HardeningRepository(
      role: """
        hardening:
          profiles:
            node:
              base: strict
              set: { ProtectHome: read-only }
              unset: [PrivateNetwork, IPAddressDeny]
          units:
            app.service: { profile: node, remove: [MemoryDenyWriteExecute] }
        """, units: ["app.service": Self.service])
    let (dropIn, diagnostics) = try repository.contributedDropIn(for: "app.service")
    let text = try #require(dropIn)
    #expect(
      text.hasPrefix("# Written by reconcile: hardening profile \"node, adjusted for app.service\"")
    )
    #expect(text.hasSuffix("ProtectHome=read-only\n"))
    #expect(!text.contains("IPAddressDeny") && !text.contains("MemoryDenyWriteExecute"))
    #expect(diagnostics.warnings.map(\.code) == ["nothing-unset"], "strict has no PrivateNetwork")
  }

  // MARK: The policy

  static let policy = "hardening:\n  policy:\n    max-exposure: 3.0\n"

  @Test func aUnitAboveThePolicyFailsCheckAndPlan() throws {
    let repository = try HardeningRepository(
      role: "units:\n  app.service:\n    enable: true\n",
      units: ["app.service": Self.service + "[Install]\nWantedBy=multi-user.target\n"],
      host: Self.policy)
    let before = try TreeSnapshot(repository.root)
    let check = try TestCommand.reconcile(["check", repository.repository])
    let plan = try TestCommand.reconcile(
      ["plan", "--repo", repository.repository, "--host", "h", "--root", repository.root])
    for result in [check, plan] {
      #expect(result.status == 1)
      #expect(
        result.stderr.contains(
          "roles/app/units/app.service: error: "
            + "app.service has exposure 9.2 UNSAFE, above its limit 3.0"
        ),
        "\(result.stderr)")
      #expect(result.stderr.contains("note: the limit 3.0 is set at hosts/h.yaml:4:19"))
      #expect(result.stderr.contains("note: worst checks, and the directive that fixes each:"))
      #expect(
        result.stderr.contains(
          "note:   PrivateNetwork= (0.5): PrivateNetwork=yes, exposure 9.2 -> 8.7"))
    }
    #expect(try TreeSnapshot(repository.root).differences(from: before) == [])
  }

  @Test func anExceptionNeedsAReasonAndThePlanShowsIt() throws {
    let role = """
      hardening:
        units:
          app.service: { profile: mild, max-exposure: 9.0 }
      """
    let repository = try HardeningRepository(
      role: role, units: ["app.service": Self.service], host: Self.policy)
    let missing = try #require(repository.loadDiagnostics().errors.first)
    #expect(missing.code == "missing-reason")
    #expect(missing.position?.description == "roles/app/role.yaml:3:49")
    try repository.scratch.write(
      "repo/roles/app/role.yaml",
      role.replacingOccurrences(of: " }", with: ", reason: \"needs JIT\" }"))
    let plan = try repository.harness().plan()
    let notes = try #require(plan.notes["hardening"])
    #expect(
      notes == [
        "app.service not installed -> 7.6 EXPOSED (allowed 9.0, above the host-wide 3.0: needs JIT)"
      ])
  }

  // MARK: Applying

  @Test func applyInstallsTheDropInShowsBeforeAndAfterAndIsIdempotent() throws {
    let repository = try HardeningRepository(
      role: "units:\n  app.service:\n    enable: true\n",
      units: ["app.service": Self.service + "[Install]\nWantedBy=multi-user.target\n"])
    let harness = repository.harness()
    #expect(try harness.apply().report.succeeded)
    // Now harden it.
    try repository.scratch.write(
      "repo/roles/app/role.yaml",
      "units:\n  app.service:\n    enable: true\n"
        + "hardening:\n  units:\n    app.service: { profile: strict }\n"
    )
    let (plan, report, _) = try harness.apply()
    #expect(report.succeeded, "\(report.failed)")
    #expect(
      plan.changes.map(\.address) == [Address("drop-in", "app.service/50-reconcile-hardening.conf")]
    )
    #expect(plan.notes["hardening"] == ["app.service 9.2 UNSAFE -> 0.9 SAFE"])
    let installed = try repository.scratch.read(
      "root/etc/systemd/system/app.service.d/50-reconcile-hardening.conf")
    #expect(installed == HardeningProfile.strict.dropIn)
    #expect(installed.hasPrefix("# Written by reconcile: hardening profile \"strict\""))

    let snapshot = try TreeSnapshot(repository.root)
    let again = try harness.apply()
    #expect(again.plan.changes.isEmpty)
    #expect(again.plan.notes.isEmpty, "nothing changes, so nothing to compare")
    #expect(again.writes == 0)
    #expect(try TreeSnapshot(repository.root).differences(from: snapshot) == [])
  }

  /// The number the plan shows is the number systemd computes for the installed unit.
  @Test(
    .enabled(
      if: SystemdAnalyzeOracle.found != nil || SystemdAnalyzeOracle.inCI,
      "SKIPPED: no systemd-analyze (install systemd or run scripts/testbed build)"))
  func theInstalledUnitScoresAsSystemdScoresIt() throws {
    let oracle = try #require(SystemdAnalyzeOracle.found, "CI=true but no systemd-analyze")
    let repository = try HardeningRepository(
      role: """
        hardening:
          units:
            app.service:
              profile: moderate
              add: { ReadWritePaths: /srv/app, PrivateNetwork: "yes" }
              remove: [ProtectHome]
        """,
      units: [
        "app.service": Self.service,
        "app.service.d/10-limits.conf": "[Service]\nProtectHome=tmpfs\n",
      ])
    let (plan, report, _) = try repository.harness().apply()
    #expect(report.succeeded)
    let note = try #require(plan.notes["hardening"]?.first)
    let live = try oracle.run(unit: "app.service", root: repository.root)
    let systemd = try #require(overallExposure(in: live.text))
    #expect(note == "app.service not installed -> \(systemd)", "\(live.text)")
  }
}
