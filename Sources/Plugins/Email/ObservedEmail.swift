import Core

/// What the email plugin saw on the host. Never the client configuration's contents (it
/// holds credentials): only its kind, owner and mode.
public struct ObservedEmail: Sendable, Codable {
  /// A file the plugin writes or once wrote.
  public struct File: Sendable, Codable {
    /// `sha256:HEX mode=755 owner=0:0` of a regular file, `symlink:TARGET`, or `other`.
    public var fingerprint: String
    /// The text, for diffs (the script holds no secrets).
    public var text: String?
  }

  /// What `stat` says of a file the plugin only checks.
  public struct Status: Sendable, Codable {
    public var regular: Bool
    public var mode: UInt32
    public var uid: UInt32
  }

  /// A spool folder the plugin makes or once made.
  public struct Folder: Sendable, Codable {
    /// `folder mode=2770 owner=USER:GROUP` (names where the account files know the IDs),
    /// `symlink:TARGET`, or `other`.
    public var fingerprint: String
    /// How many entries it holds (reports not mailed yet).
    public var entries: Int
  }

  /// Files by host path; absent paths are missing.
  public var files: [HostPath: File] = [:]
  /// Spool folders by host path; absent paths are missing. Optional so that snapshots taken
  /// before spool folders existed still decode.
  public var folders: [HostPath: Folder]? = [:]
  /// The client configuration, when declared and present.
  public var clientConfig: Status?
  /// The client, when present.
  public var client: Status?
}

/// The fingerprints the plugin records in the ledger.
enum EmailFingerprint {
  /// Contents, mode and owner of a regular file: a chmod is drift as much as an edit.
  static func of(_ bytes: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32) -> String {
    "sha256:\(SHA256.hex(bytes)) mode=\(String(mode, radix: 8)) owner=\(uid):\(gid)"
  }

  /// Mode and owner of a folder, the owner by name.
  static func folder(mode: UInt32, user: String, group: String) -> String {
    "folder mode=\(String(mode, radix: 8)) owner=\(user):\(group)"
  }
}
