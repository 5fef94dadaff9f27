import Core

/// How often reconcile runs itself, from `/etc/reconcile/schedule.yaml`.
public struct Schedule: Sendable, Equatable, Codable {
  /// Where `reconcile install` keeps the schedule.
  public static let path = HostPath("/etc/reconcile/schedule.yaml")!

  /// Seconds between runs.
  public var interval: Int64
  /// Seconds of random delay added to each run, so a fleet does not pull at once.
  public var randomizedDelay: Int64
  /// The reconcile binary the service runs.
  public var executable: String

  public init(interval: Int64, randomizedDelay: Int64, executable: String) {
    self.interval = interval
    self.randomizedDelay = randomizedDelay
    self.executable = executable
  }

  /// The calendar expression for the interval: seconds, minutes or hours that run at fixed
  /// wall-clock points, so `Persistent=true` catches up a run missed while the host was down.
  public var calendar: String? {
    switch interval {
    case 1..<60 where 60 % interval == 0: return "*:*:0/\(interval)"
    case 60..<3600 where interval % 60 == 0 && 60 % (interval / 60) == 0: return "*:0/\(interval / 60)"
    case 3600...86400 where interval % 3600 == 0 && 24 % (interval / 3600) == 0: return "0/\(interval / 3600):00"
    default: return nil
    }
  }

  /// Why `interval` cannot be scheduled, or nil.
  public static func problem(interval: Int64) -> String? {
    Schedule(interval: interval, randomizedDelay: 0, executable: "").calendar == nil
      ? "the interval must divide a minute (e.g. 30s), an hour (5min, 15min) or a day (1h, 6h)"
      : nil
  }

  /// The file's text.
  public var yaml: String {
    """
    # Written by `reconcile install`; removed by `reconcile uninstall`.
    interval: \(interval)s
    randomized-delay: \(randomizedDelay)s
    executable: \(executable)

    """
  }

  /// Reads the schedule; nil when reconcile is not installed.
  public static func load(from fs: RootedFileSystem, diagnostics: inout Diagnostics) throws -> Schedule? {
    guard let bytes = try fs.read(path, limit: 64 << 10) else { return nil }
    let file = fs.realPath(path)
    guard let node = YAMLLoader.load(bytes, file: file, diagnostics: &diagnostics) else { return nil }
    var reader = MappingReader(node, what: "the schedule", diagnostics: &diagnostics)
    let interval = reader.string("interval", required: true, diagnostics: &diagnostics)
    let delay = reader.string("randomized-delay", diagnostics: &diagnostics)
    let executable = reader.string("executable", required: true, diagnostics: &diagnostics)
    reader.finish(diagnostics: &diagnostics)
    guard let interval, let executable,
      let seconds = HostConfiguration.Duration.seconds(interval.value),
      let delaySeconds = HostConfiguration.Duration.seconds(delay?.value ?? "0"),
      HostPath(executable.value) != nil
    else {
      diagnostics.error(
        "the schedule is not valid; run 'reconcile install' again", at: SourcePosition(file: file), code: "schedule")
      return nil
    }
    return Schedule(interval: seconds, randomizedDelay: delaySeconds, executable: executable.value)
  }
}
