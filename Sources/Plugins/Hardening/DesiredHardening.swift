import Core

/// What the hardening plugin decoded for a host: every service it hardens or holds to a limit,
/// with the files the host will have for it and the exposure they give.
public struct DesiredHardening: Sendable {
  /// One scored service.
  public struct Unit: Sendable {
    public var scope: UnitScope
    public var name: UnitName
    /// The reconcile-owned drop-in, nil when the unit is only held to a limit.
    public var dropIn: [UInt8]?
    /// The unit file as the host will have it.
    public var unitFile: [UInt8]
    /// Every drop-in the host will have for it from the repository and the plugins, by file
    /// name (the hardening drop-in included).
    public var dropIns: [String: [UInt8]]
    /// The exposure of the merged unit with the hardening drop-in, in tenths (`9.6` is 96).
    /// Only the score is kept: a full `ExposureReport` is kilobytes, and the plan's notes
    /// need the number; the errors that need the verdicts are made while decoding.
    public var exposure: Int
    /// The largest exposure allowed, in tenths; nil when no policy covers the unit.
    public var limit: Int?
    /// Why the unit may go above the host-wide limit.
    public var reason: String?
    /// Whether `limit` is above the host-wide limit (an exception the plan reports).
    public var isException: Bool

    /// `report.service`, or `user/matrix-bot.service` for a user unit.
    public var key: String { (scope == .user ? "user/" : "") + name.rawValue }

    /// The folder its files are installed in.
    var folder: HostPath { scope.folder }
  }

  /// Scored units, sorted by key.
  public var units: [Unit] = []
  /// The host-wide limit in tenths, if any.
  public var hostLimit: Int?
}

/// The files of the scored units as installed on the host.
public struct ObservedHardening: Sendable, Codable {
  /// One unit's files.
  public struct Installed: Sendable, Codable, Equatable {
    /// The unit file's text; nil when it is not installed (or not a regular file).
    public var unitFile: String?
    /// Drop-ins in `NAME.d/` by file name.
    public var dropIns: [String: String] = [:]
    /// True when the unit file and the drop-ins reconcile installs were found as desired; the
    /// texts are then left out.
    public var asDesired: Bool?

    /// Installed files as found.
    public init(unitFile: String? = nil, dropIns: [String: String] = [:]) {
      self.unitFile = unitFile
      self.dropIns = dropIns
    }

    /// A unit found as desired, its texts left out.
    init(asDesired: Bool) { self.asDesired = asDesired }
  }

  /// By `DesiredHardening.Unit.key`.
  public var units: [String: Installed] = [:]
}

/// Exposure in tenths written as systemd writes it, `9.6`.
func tenths(_ value: Int) -> String { "\(value / 10).\(value % 10)" }

/// `9.6 UNSAFE` for an exposure in tenths.
func exposureSummary(_ exposure: Int) -> String {
  "\(tenths(exposure)) \(ExposureLevel(exposure: exposure).rawValue)"
}

extension ExposureReport {
  /// `9.6 UNSAFE`.
  public var summary: String { exposureSummary(exposure) }
}
