import Core

/// Installs unit files and drop-ins under `/etc/systemd/system` (and `/etc/systemd/user`),
/// enables what the declarations ask, and on a live host reloads once, restarts exactly the
/// units whose files changed and starts what should run. It never touches a unit file it did
/// not create, and removes (after disabling) the ones it created that left the repository.
///
/// Declarations, in a host or role file:
///
///     units:
///       report.timer:
///         enable: true
///
/// Unit files themselves live verbatim in the layer's `units/` folder.
public struct UnitsPlugin: Plugin {
  public init() {}

  public var name: String { "units" }
  public var sections: [String] { ["units"] }
}
