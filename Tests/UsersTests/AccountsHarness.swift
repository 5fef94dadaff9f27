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
}
