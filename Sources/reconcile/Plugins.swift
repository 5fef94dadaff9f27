import Core
import Hardening
import Linger
import Subids
import Units
import Users

/// Every plugin, in decode order: plugins that contribute units, drop-ins or accounts come
/// before the plugins that consume them (podman, hardening and email before users and units;
/// users before subids and linger, which take the requirements users hands on). The only place
/// that lists the plugins.
enum PluginList {
  static let all: [any Plugin] = [
    HardeningPlugin(),
    UsersPlugin(),
    SubidsPlugin(),
    LingerPlugin(),
    UnitsPlugin(),
  ]

  /// The plugins whose apply needs root beyond writing root-owned files (shadow-utils for
  /// accounts and subordinate IDs): `review` names them when it cannot simulate a commit.
  static let needingRoot: Set<String> = ["users", "subids"]
}
