import Core
import Foundation
import Hardening
import TestSupport
import Units

/// A scratch state repository with one host `h` made of the role `app`, and an empty host
/// root beside it, for the hardening plugin's tests.
struct HardeningRepository {
  let scratch: ScratchDirectory
  var repository: String { scratch.join("repo") }
  var root: String { scratch.join("root") }

  /// A repository whose role ships `units` (file name to text) and declares `role` (YAML);
  /// `host` is added to the host file under the roles line.
  init(role: String, units: [String: String], host: String = "") throws {
    scratch = try ScratchDirectory("hardening")
    try scratch.write("repo/reconcile.yaml", "format: 1\n")
    try scratch.write("repo/hosts/h.yaml", "roles: [app]\n" + host)
    try scratch.write("repo/roles/app/role.yaml", role)
    for (name, text) in units { try scratch.write("repo/roles/app/units/\(name)", text) }
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  /// The engine over this repository and root with the hardening plugin before the units
  /// plugin, plus `extra` plugins first.
  func harness(_ extra: [any Plugin] = []) -> EngineHarness {
    EngineHarness(
      plugins: extra + [HardeningPlugin(), UnitsPlugin()], repository: repository, host: "h",
      root: root)
  }

  /// The diagnostics of loading the host (empty when it loads).
  func loadDiagnostics(_ extra: [any Plugin] = []) -> Diagnostics {
    do {
      _ = try harness(extra).load()
      return Diagnostics()
    } catch let error as DiagnosticsError {
      return error.diagnostics
    } catch {
      return Diagnostics([.error("\(error)")])
    }
  }

  /// The drop-in the hardening plugin contributes for `unit`, decoded alone.
  func contributedDropIn(for unit: String, _ extra: [any Plugin] = []) throws -> (
    String?, Diagnostics
  ) {
    var diagnostics = Diagnostics()
    let engine = Engine(plugins: extra + [HardeningPlugin()])
    let repository = StateRepository(
      tree: DirectoryTree(path: repository), sectionKeys: engine.sectionKeys)
    guard let declarations = repository.load(host: "h", diagnostics: &diagnostics) else {
      return (nil, diagnostics)
    }
    var contributions = Contributions()
    for plugin in extra { _ = decodeAny(plugin, declarations, &contributions, &diagnostics) }
    _ = HardeningPlugin().decode(
      declarations, contributions: &contributions, diagnostics: &diagnostics)
    let dropIn = contributions.dropIns.first { $0.unit.rawValue == unit }
    return (dropIn.map { String(decoding: $0.contents, as: UTF8.self) }, diagnostics)
  }

  private func decodeAny<P: Plugin>(
    _ plugin: P, _ declarations: HostDeclarations, _ contributions: inout Contributions,
    _ diagnostics: inout Diagnostics
  ) -> any Sendable {
    plugin.decode(declarations, contributions: &contributions, diagnostics: &diagnostics)
  }
}

/// Stands in for the podman plugin, which does not exist yet: it contributes one user service
/// with origin `podman`, as that plugin will, so the hardening rule for generated container
/// units can be tested. It plans nothing.
struct ContainerUnitProducer: Plugin {
  var name: String { "podman" }
  var sections: [String] { [] }

  static let unit = """
    [Unit]
    Description=Matrix bot container

    [Service]
    Type=notify
    NotifyAccess=all
    ExecStart=/usr/local/bin/run-container matrix-bot

    """

  func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> Bool {
    contributions.units.append(
      GeneratedUnit(
        scope: .system, name: UnitName("matrix-bot.service")!, contents: Array(Self.unit.utf8),
        enable: false, origin: "podman"))
    return true
  }

  func observe(_ desired: Bool, ledger: Ledger, host: Core.Host) throws -> Bool { true }
  func plan(_ desired: Bool, observed: Bool, ledger: Ledger, host: HostFacts) -> PluginPlan {
    PluginPlan()
  }
  func apply(_ change: Change, host: Core.Host, ledger: inout Ledger) throws -> String? { nil }
}
