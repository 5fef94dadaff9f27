import Linger
import Subids
import TestSupport
import Units
import Users

extension EngineHarness {
  /// The users, subids, linger and units plugins on the example host `gemini`, the other
  /// sections accepted undecoded: what the accounts suites run.
  static func accounts(repository: String, root: String) -> EngineHarness {
    EngineHarness(
      plugins: [UsersPlugin(), SubidsPlugin(), LingerPlugin(), UnitsPlugin()],
      otherSections: ["hardening", "email", "containers", "podman"],
      repository: repository, host: "gemini", root: root)
  }

  /// The accounts harness on a copy of the example at `scratch/repo` and a root seeded with
  /// Debian 12's account files at `scratch/root`.
  static func accountsOnExample(in scratch: ScratchDirectory) throws -> EngineHarness {
    try scratch.copy(from: exampleRepository, to: "repo")
    try DebianRoot.seed(scratch.join("root"))
    return .accounts(repository: scratch.join("repo"), root: scratch.join("root"))
  }
}
