import Core
import Foundation
import Hardening
import Linger
import Podman
import Subids
import TestSupport
import Units
import Users

/// A one-host repository with a `containers` role, and a scratch root seeded with Debian 12's
/// /etc, for the podman plugin through the engine (offline, `--root`).
struct PodmanRepository {
  let scratch: ScratchDirectory
  var repository: String { scratch.join("repo") }
  var root: String { scratch.join("root") }

  init(role: String, host: String = "roles: [app]\n") throws {
    scratch = try ScratchDirectory("podman")
    try scratch.write("repo/reconcile.yaml", "format: 1\n")
    try scratch.write("repo/hosts/box.yaml", host)
    try scratch.write("repo/roles/app/role.yaml", role)
    try DebianRoot.seed(root)
  }

  /// Every plugin the podman plugin works with, in the command line's order.
  var harness: EngineHarness {
    EngineHarness(
      plugins: [
        PodmanPlugin(), HardeningPlugin(), UsersPlugin(), SubidsPlugin(), LingerPlugin(),
        UnitsPlugin(),
      ],
      repository: repository, host: "box", root: root)
  }

  /// The diagnostics of loading the host, rendered as `reconcile` prints them.
  func loadErrors() -> [String] {
    do {
      _ = try harness.load()
      return []
    } catch let error as DiagnosticsError {
      return error.diagnostics.errors.map(\.description)
    } catch {
      return ["\(error)"]
    }
  }

  /// A file of the root.
  func read(_ path: String) throws -> String { try scratch.read("root" + path) }
}
