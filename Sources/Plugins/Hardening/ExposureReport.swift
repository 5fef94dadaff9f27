import Core

/// The exposure of one service as `systemd-analyze security` of systemd 252 computes it:
/// every check's verdict and the overall level, on systemd's integer scale of tenths.
public struct ExposureReport: Sendable, Hashable, Codable {
  /// One check's verdict.
  public struct Verdict: Sendable, Hashable, Codable {
    /// The check's name, e.g. `PrivateNetwork=`.
    public var id: String
    /// The check's key in JSON output and policies.
    public var jsonField: String
    /// What systemd says about the unit for this check.
    public var description: String?
    public var weight: Int
    /// The badness, 0 (good) to `range` (bad); nil when the check does not apply.
    public var badness: Int?
    public var range: Int
    /// The check's share of the overall exposure in tenths, as systemd prints it (nil when it
    /// adds nothing or does not apply).
    public var exposure: Int?

    /// systemd's checkmark: true when the badness is 0, false otherwise, nil when the check
    /// does not apply (the JSON `set` field).
    public var passed: Bool? { badness.map { $0 == 0 } }

    /// The part of the overall sum this verdict adds: `ceil(badness × weight / range)`.
    public var weightedBadness: Int {
      guard let badness else { return 0 }
      return (badness * weight + range - 1) / range
    }
  }

  /// The unit analysed (for a template, its instance `i`).
  public var unit: String
  /// Every check in systemd's table order.
  public var verdicts: [Verdict]
  /// The overall exposure in tenths, 0 to 100 (`9.6` is 96).
  public var exposure: Int

  /// The level systemd names for `exposure`.
  public var level: ExposureLevel { ExposureLevel(exposure: exposure) }

  /// The exposure as systemd prints it, e.g. `9.6`.
  public var exposureText: String { "\(exposure / 10).\(exposure % 10)" }

  /// Scores `settings` with `checks` (systemd's `assess()`): the overall exposure is
  /// `ceil(100 × Σ ceil(badness × weight / range) / Σ weight)` over the checks that apply, and a
  /// check's share is `ceil(ceil(100 × badness × weight / range) / Σ weight)`.
  public init(settings: SecuritySettings, checks: [SecurityCheck] = SecurityCheck.all) {
    unit = settings.id
    var verdicts: [Verdict] = []
    var badnessSum = 0
    var weightSum = 0
    for check in checks {
      let (badness, computed) =
        check.weight == 0
        ? (nil, "Option excluded by policy, skipping") : check.assess(settings)
      let description: String?
      switch badness {
      case nil: description = computed ?? check.notApplicable
      case check.range: description = computed ?? check.bad
      case 0: description = computed ?? check.good
      default: description = computed
      }
      let verdict = Verdict(
        id: check.id, jsonField: check.jsonField, description: description, weight: check.weight,
        badness: badness, range: check.range, exposure: nil)
      if badness != nil {
        badnessSum += verdict.weightedBadness
        weightSum += check.weight
      }
      verdicts.append(verdict)
    }
    for index in verdicts.indices {
      guard let badness = verdicts[index].badness, badness > 0 else { continue }
      let verdict = verdicts[index]
      let share = ceilDiv(badness * verdict.weight * 100, verdict.range)
      verdicts[index].exposure = ceilDiv(share, weightSum)
    }
    self.verdicts = verdicts
    self.exposure = weightSum == 0 ? 0 : ceilDiv(badnessSum * 100, weightSum)
  }

  /// Scores service `name` from its merged unit file (the file and all its drop-ins).
  public init(unit: UnitFile, name: UnitName) {
    self.init(settings: SecuritySettings(loading: unit, name: name))
  }
}

/// The words systemd puts on an exposure (`badness_table` in analyze-security.c).
public enum ExposureLevel: String, Sendable, Hashable, Codable, CaseIterable {
  case perfect = "PERFECT"
  case safe = "SAFE"
  case ok = "OK"
  case medium = "MEDIUM"
  case exposed = "EXPOSED"
  case unsafe = "UNSAFE"
  case dangerous = "DANGEROUS"

  /// The level of an exposure in tenths.
  public init(exposure: Int) {
    switch exposure {
    case 100...: self = .dangerous
    case 90...: self = .unsafe
    case 75...: self = .exposed
    case 50...: self = .medium
    case 10...: self = .ok
    case 1...: self = .safe
    default: self = .perfect
    }
  }
}

private func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
