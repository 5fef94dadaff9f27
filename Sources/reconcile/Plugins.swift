import Core
import Units

/// Every plugin, in decode order: plugins that contribute units, drop-ins or accounts come
/// before the plugins that consume them. The only place that lists the plugins.
enum PluginList {
  static let all: [any Plugin] = [
    UnitsPlugin()
  ]

  /// The plugins whose apply needs root beyond writing root-owned files (shadow-utils for
  /// accounts and subordinate IDs): `review` names them when it cannot simulate a commit.
  static let needingRoot: Set<String> = ["users", "subids"]
}
