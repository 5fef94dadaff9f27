import Core
import Hardening
import Units

/// Every plugin, in decode order: plugins that contribute units, drop-ins or accounts come
/// before the plugins that consume them. The only place that lists the plugins.
enum PluginList {
  static let all: [any Plugin] = [
    HardeningPlugin(),
    UnitsPlugin(),
  ]
}
