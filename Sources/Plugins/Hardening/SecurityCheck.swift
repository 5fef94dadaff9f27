/// One check of `systemd-analyze security` (systemd 252, `security_assessor_table` in
/// src/analyze/analyze-security.c): what it looks at, how much it weighs and how it reads.
public struct SecurityCheck: Sendable, Hashable {
  /// How a check turns settings into a badness.
  public enum Assessor: Sendable, Hashable {
    /// A boolean setting: bad when off (or, with `badWhenSet`, when on).
    case flag(SecuritySettings.Flag, badWhenSet: Bool)
    /// Bad when the bounding set keeps any of these capabilities.
    case capabilities([Capability])
    /// Bad when `RestrictNamespaces=` allows this kind.
    case namespace(NamespaceKind)
    /// Bad when the filter lets through any call of this `@group`.
    case systemCallFilter(String)
    case user, supplementaryGroups, protectHome, protectSystem, rootDirectory, umask
    case keyringMode, protectProc, procSubset, notifyAccess, removeIpc, systemCallArchitectures
    case ipAddressAllow, deviceAllow, ambientCapabilities
  }

  /// The name systemd shows, e.g. `PrivateNetwork=` or `CapabilityBoundingSet=~CAP_SYS_ADMIN`.
  public var id: String
  /// The key in `--security-policy=` files (and systemd's JSON output).
  public var jsonField: String
  /// What the check says when it passes, fails, or does not apply.
  public var good: String?
  public var bad: String?
  public var notApplicable: String?
  /// The check's share of the overall exposure.
  public var weight: Int
  /// The largest badness the check gives.
  public var range: Int
  /// Whether the check is skipped for units with `DefaultDependencies=no` (early boot).
  public var defaultDependenciesOnly = false
  /// How the badness is computed.
  public var assessor: Assessor

  /// A check; the descriptions systemd leaves out are nil.
  public init(
    id: String, jsonField: String, good: String? = nil, bad: String? = nil,
    notApplicable: String? = nil, weight: Int, range: Int, defaultDependenciesOnly: Bool = false,
    assessor: Assessor
  ) {
    self.id = id
    self.jsonField = jsonField
    self.good = good
    self.bad = bad
    self.notApplicable = notApplicable
    self.weight = weight
    self.range = range
    self.defaultDependenciesOnly = defaultDependenciesOnly
    self.assessor = assessor
  }
}
