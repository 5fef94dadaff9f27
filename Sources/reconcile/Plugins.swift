import Core
import Hardening
import Linger
import Podman
import Subids
import Units
import Users

/// Every plugin, in decode order: plugins that contribute units, drop-ins or accounts come
/// before the plugins that consume them (podman, hardening and email before users and units;
/// users before subids and linger, which take the requirements users hands on). The only place
/// that lists the plugins.
enum PluginList {
  static let all: [any Plugin] = [
    PodmanPlugin(),
    HardeningPlugin(),
    UsersPlugin(),
    SubidsPlugin(),
    LingerPlugin(),
    UnitsPlugin(),
  ]
}
