import Core

/// The worst checks of a service and, for each, the directive that would fix it, with the
/// overall exposure the service would have with that fix alone: what `check` and `plan` print
/// when a unit is above its maximum exposure.
public struct HardeningAdvice: Sendable, Hashable, Codable {
  /// One failing check and its fix.
  public struct Fix: Sendable, Hashable, Codable {
    /// The check, e.g. `PrivateNetwork=`.
    public var check: String
    /// What systemd says about the unit for this check.
    public var description: String?
    /// The check's share of the exposure in tenths, as systemd prints it.
    public var exposure: Int
    /// The `[Service]` directives that fix it.
    public var directives: [HardeningProfile.Directive]
    /// The overall exposure in tenths with these directives added.
    public var exposureAfter: Int
  }

  /// The unit analysed.
  public var unit: String
  /// Its overall exposure in tenths.
  public var exposure: Int
  /// The failing checks that a directive fixes, heaviest first. A fix is kept only when
  /// rescoring the unit with it shows the check's badness going down.
  public var fixes: [Fix]

  /// Advice for service `name` from its merged unit file: at most `limit` fixes.
  public init(unit: UnitFile, name: UnitName, limit: Int = 5) {
    let report = ExposureReport(unit: unit, name: name)
    self.unit = report.unit
    exposure = report.exposure
    let failing = report.verdicts.filter { ($0.badness ?? 0) > 0 }
      .sorted { ($0.weightedBadness, $1.id) > ($1.weightedBadness, $0.id) }
    var fixes: [Fix] = []
    for verdict in failing where fixes.count < limit {
      guard let directives = HardeningAdvice.directives(fixing: verdict.id),
        let fixed = HardeningAdvice.applying(directives, to: unit)
      else { continue }
      let after = ExposureReport(unit: fixed, name: name)
      let improved = after.verdicts.first { $0.id == verdict.id }?.badness ?? 0
      guard improved < verdict.badness ?? 0 else { continue }
      fixes.append(
        Fix(
          check: verdict.id, description: verdict.description, exposure: verdict.exposure ?? 0,
          directives: directives, exposureAfter: after.exposure))
    }
    self.fixes = fixes
  }

  /// One line per fix, e.g. `PrivateNetwork= (0.5): PrivateNetwork=yes, exposure 9.6 -> 9.1`.
  public var lines: [String] {
    fixes.map { fix in
      let directives = fix.directives.map { "\($0.key)=\($0.value)" }.joined(separator: " + ")
      return "\(fix.check) (\(tenths(fix.exposure))): \(directives), exposure "
        + "\(tenths(exposure)) -> \(tenths(fix.exposureAfter))"
    }
  }

  /// `unit` with a drop-in holding `directives` appended.
  static func applying(_ directives: [HardeningProfile.Directive], to unit: UnitFile) -> UnitFile? {
    let text = "[Service]\n" + directives.map { "\($0.key)=\($0.value)\n" }.joined()
    guard case .success(let dropIn) = UnitFile.parse(text, file: "advice.conf") else { return nil }
    return UnitFile.merged(unit, dropIns: [dropIn])
  }

  /// The directives that make check `id` pass, or nil when no directive alone can (e.g. it
  /// needs a root image).
  static func directives(fixing id: String) -> [HardeningProfile.Directive]? {
    typealias D = HardeningProfile.Directive
    if let fixed = fixedByValue[id] { return [D(fixed.key, fixed.value)] }
    guard let check = SecurityCheck.all.first(where: { $0.id == id }) else { return nil }
    switch check.assessor {
    case .flag(let flag, let badWhenSet):
      guard let key = flagDirectives[flag] else { return nil }
      return [D(key, badWhenSet ? "no" : "yes")]
    case .capabilities(let capabilities):
      return [D("CapabilityBoundingSet", "~" + capabilities.map(\.name).joined(separator: " "))]
    case .namespace(let kind):
      return [D("RestrictNamespaces", "~" + kind.rawValue)]
    case .systemCallFilter(let group):
      return [D("SystemCallFilter", "~" + group)]
    default:
      return nil
    }
  }

  /// Checks fixed by one setting's value.
  private static let fixedByValue: [String: (key: String, value: String)] = [
    "User=/DynamicUser=": ("DynamicUser", "yes"),
    "SupplementaryGroups=": ("SupplementaryGroups", ""),
    "RemoveIPC=": ("RemoveIPC", "yes"),
    "ProtectHome=": ("ProtectHome", "yes"),
    "ProtectSystem=": ("ProtectSystem", "strict"),
    "UMask=": ("UMask", "0077"),
    "KeyringMode=": ("KeyringMode", "private"),
    "ProtectProc=": ("ProtectProc", "invisible"),
    "ProcSubset=": ("ProcSubset", "pid"),
    "NotifyAccess=": ("NotifyAccess", "main"),
    "SystemCallArchitectures=": ("SystemCallArchitectures", "native"),
    "IPAddressDeny=": ("IPAddressDeny", "any"),
    "DeviceAllow=": ("DevicePolicy", "closed"),
    "AmbientCapabilities=": ("AmbientCapabilities", ""),
    "RestrictAddressFamilies=~…": ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
    "RestrictAddressFamilies=~AF_(INET|INET6)": ("RestrictAddressFamilies", "~AF_INET AF_INET6"),
    "RestrictAddressFamilies=~AF_UNIX": ("RestrictAddressFamilies", "~AF_UNIX"),
    "RestrictAddressFamilies=~AF_NETLINK": ("RestrictAddressFamilies", "~AF_NETLINK"),
    "RestrictAddressFamilies=~AF_PACKET": ("RestrictAddressFamilies", "~AF_PACKET"),
  ]

  /// The directive behind each boolean setting.
  private static let flagDirectives: [SecuritySettings.Flag: String] = {
    var keys: [SecuritySettings.Flag: String] = [:]
    for (key, flag) in SecuritySettings.booleanDirectives { keys[flag] = key }
    keys[.delegate] = "Delegate"
    return keys
  }()
}
