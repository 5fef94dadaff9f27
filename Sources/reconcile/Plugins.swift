import Core
import Email
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
    // After every producer of units and drop-ins (it watches them all), before users (it
    // needs its notifier's user) and units (which installs its template and drop-ins).
    EmailPlugin(),
    UsersPlugin(),
    SubidsPlugin(),
    LingerPlugin(),
    UnitsPlugin(),
  ]
}
