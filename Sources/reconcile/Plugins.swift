import Core
import Email
import Hardening
import Linger
import Podman
import Schedule
import Subids
import Units
import Users

/// Every plugin, in decode order: plugins that contribute units, drop-ins or accounts come
/// before the plugins that consume them (podman, hardening and email before users and units;
/// users before subids and linger, which take the requirements users hands on). The only place
/// that lists the plugins.
enum PluginList {
  /// The plugins for a repository alone (check, review): no host schedule.
  static var all: [any Plugin] { all(schedule: nil) }

  /// The plugins for a host; `schedule` is reconcile's own timer when it is installed there.
  /// The schedule comes after hardening (reconcile's own service is sandboxed by its own
  /// rules, not by the repository's policy) and before email (which watches it).
  static func all(schedule: Schedule?) -> [any Plugin] {
    [
      PodmanPlugin(),
      HardeningPlugin(),
      SchedulePlugin(schedule: schedule),
      // After every producer of units and drop-ins (it watches them all, reconcile's own
      // service included), before users (it needs its notifier's user) and units (which
      // installs its template and drop-ins).
      EmailPlugin(),
      UsersPlugin(),
      SubidsPlugin(),
      LingerPlugin(),
      UnitsPlugin(),
    ]
  }

  /// The plugins whose apply needs root beyond writing root-owned files (shadow-utils for
  /// accounts and subordinate IDs): `review` names them when it cannot simulate a commit.
  static let needingRoot: Set<String> = ["users", "subids"]
}
