/// A running systemd manager (the system's, or one user's), as the units plugin drives it.
///
/// Core defines the shape; the `SystemdBus` target implements it over sd-bus. Every method
/// blocks until systemd answered; job-starting methods wait for the job to finish.
/// Implementations count the calls that change state so tests and the benchmark can show that
/// a no-op run made none.
public protocol ServiceManager: AnyObject, Sendable {
  /// Reads the runtime state of each unit without making the manager load one: a unit it
  /// has not loaded is reported `inactive` (`dead`) with an empty load and unit-file state
  /// (it cannot be active, and its files are read when something needs it).
  func states(of units: [UnitName]) throws -> [UnitName: UnitRuntimeState]

  /// `daemon-reload`: re-reads all unit files. `Manager.Reload`
  func reload() throws

  /// Enables unit files (creates their `[Install]` symlinks). `Manager.EnableUnitFiles`
  func enable(_ units: [UnitName]) throws

  /// Disables unit files. `Manager.DisableUnitFiles`
  func disable(_ units: [UnitName]) throws

  /// Starts a unit and waits for its job, at most `timeout` seconds. `Manager.StartUnit`
  func start(_ unit: UnitName, timeout: Double) throws -> JobResult

  /// Restarts a unit and waits for its job. `Manager.RestartUnit`
  func restart(_ unit: UnitName, timeout: Double) throws -> JobResult

  /// Stops a unit and waits for its job. `Manager.StopUnit`
  func stop(_ unit: UnitName, timeout: Double) throws -> JobResult

  /// How many state-changing calls this connection made so far.
  var changingCalls: Int { get }
}

/// What systemd reports about a unit at runtime.
public struct UnitRuntimeState: Sendable, Codable, Hashable {
  /// `LoadState`: loaded, not-found, masked, error...; empty when the manager has not
  /// loaded the unit.
  public var loadState: String
  /// `ActiveState`: active, inactive, failed, activating...
  public var activeState: String
  /// `SubState`: running, exited, dead, waiting...
  public var subState: String
  /// `UnitFileState`: enabled, disabled, static, masked, linked...; empty when the manager
  /// has not loaded the unit (templates excepted: theirs is always read).
  public var unitFileState: String
  /// `InvocationID` as 32 hex digits, empty when the unit never ran.
  public var invocationID: String
  /// `NeedDaemonReload`: the unit's files changed on disk since systemd last read them.
  public var needsReload = false

  public init(
    loadState: String, activeState: String, subState: String, unitFileState: String,
    invocationID: String
  ) {
    self.loadState = loadState
    self.activeState = activeState
    self.subState = subState
    self.unitFileState = unitFileState
    self.invocationID = invocationID
  }
}

/// How a job ended: `done`, `failed`, `timeout`, `canceled`, `dependency`, `skipped`.
public struct JobResult: Sendable, Codable, Hashable, CustomStringConvertible {
  public var result: String
  public init(_ result: String) { self.result = result }
  public var succeeded: Bool { result == "done" || result == "skipped" }
  public var description: String { result }
}

/// logind's per-user settings, as the linger plugin drives them.
public protocol LoginManager: AnyObject, Sendable {
  /// Enables or disables linger for `uid`. `org.freedesktop.login1.Manager.SetUserLinger`
  func setLinger(uid: UInt32, enabled: Bool) throws
}
