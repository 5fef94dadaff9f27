import Core

/// What the units plugin saw on the host.
public struct ObservedUnits: Sendable, Codable {
  /// A file reconcile installs or once installed.
  public struct File: Sendable, Codable {
    /// `sha256:HEX` of a regular file, `symlink:TARGET`, or `other`.
    public var fingerprint: String
    /// The text, for diffs (unit files hold no secrets); nil for a file whose bytes are the
    /// desired ones, and for anything not a regular file.
    public var text: String?
    /// Whether observing found the bytes this run desires: the plan then takes the desired
    /// contents' fingerprint from here instead of hashing the same bytes again. Not kept in a
    /// snapshot, which a review plans against other desired files.
    public var isDesired = false

    private enum CodingKeys: String, CodingKey { case fingerprint, text }
  }

  /// Files by host path; absent paths are missing.
  public var files: [HostPath: File] = [:]
  /// Symlinks found at the link paths of interest, by path, with their targets.
  public var links: [HostPath: String] = [:]
  /// Runtime states by unit, when a running systemd was asked.
  public var runtime: [UnitName: UnitRuntimeState] = [:]
  /// Whether runtime states were observed.
  public var live = false
  /// Units not to start because one of their file-system conditions does not hold, with it.
  public var unmetConditions: [UnitName: String] = [:]
  /// Runtime states of user units, by user, for the users whose manager answered.
  public var userRuntime: [String: [UnitName: UnitRuntimeState]] = [:]
}
