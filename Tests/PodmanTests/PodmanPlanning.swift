import Core
import TestSupport
import Testing

@testable import Podman

/// What the podman plugin's plan tests share: a `containers:` section decoded through the
/// engine's loader, a live host's podman facts written out, the ledger a plan leaves.
protocol PodmanPlanning {}

extension PodmanPlanning {
  var plugin: PodmanPlugin { PodmanPlugin() }
  var facts: HostFacts {
    HostFacts(name: "box", live: true, stateDirectory: HostPath("/var/lib/reconcile")!)
  }

  /// Decodes a `containers:` section through the engine's loader.
  func desired(_ containers: String) throws -> DesiredPodman {
    let repo = try PodmanRepository(role: containers.isEmpty ? "{}\n" : "containers:\n" + containers)
    let loaded = try repo.harness.load()
    var contributions = Contributions()
    var diagnostics = Diagnostics()
    return plugin.decode(loaded.declarations, contributions: &contributions, diagnostics: &diagnostics)
  }

  /// A live host where `matrix` has `volumes` and `images` in its podman storage.
  func observed(volumes: [String], images: [String]) -> ObservedPodman {
    var observed = ObservedPodman()
    observed.live = true
    observed.cgroupV2 = true
    observed.users["matrix"] = .init(
      uid: 999, gid: 999, home: "/var/lib/matrix", homeExists: true, subuidStart: 100000,
      hasSubgid: true, images: images.map { .init(id: $0, names: [$0], digests: []) },
      volumes: volumes)
    return observed
  }

  /// The ledger after applying `plan`'s records to `ledger`.
  func recorded(_ plan: PluginPlan, on ledger: Ledger = Ledger()) -> Ledger {
    var ledger = ledger
    for (address, entry) in plan.ledgerUpdates { ledger[address] = entry }
    return ledger
  }
}
