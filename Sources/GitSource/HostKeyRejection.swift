/// An SSH server whose host key the known_hosts files do not vouch for: the fetch was
/// refused before anything was sent or received over the connection.
public struct HostKeyRejection: Error, Sendable, CustomStringConvertible {
  /// Why the key was refused.
  public enum Reason: Sendable, Equatable {
    /// No known_hosts file was given.
    case noFiles
    /// A file exists but cannot be used: unreadable, or writable by others.
    case unusableFile(file: String, why: String)
    /// No line names the host (these files do not exist).
    case unknownHost(missing: [String])
    /// Lines name the host, with keys of other types only (listed).
    case otherTypes([String])
    /// A line names the host with another key of the same type: the key changed.
    case changed(file: String, line: Int)
    /// The offered key is on an `@revoked` line.
    case revoked(file: String, line: Int)
  }

  /// The host as known_hosts names it: `host`, or `[host]:port` off port 22.
  public var host: String
  /// The offered key's type and `SHA256:` fingerprint, as `ssh-keygen -l` prints them.
  public var offeredKey: String
  /// The known_hosts files searched.
  public var files: [String]
  /// Why the key was refused.
  public var reason: Reason

  init(host: String, offered: SSHHostKey, files: [String], reason: Reason) {
    self.host = host
    self.offeredKey = offered.description
    self.files = files
    self.reason = reason
  }

  public var description: String {
    let searched = files.joined(separator: ", ")
    let offered = "the SSH server \(host) offered the host key \(offeredKey)"
    switch reason {
    case .noFiles:
      return "\(offered), and no known_hosts file is configured to check it against"
        + " (set repository.known-hosts); the connection was refused"
    case .unusableFile(let file, let why):
      return "\(offered); the known_hosts file \(file) cannot be used: \(why);"
        + " the connection was refused"
    case .unknownHost(let missing):
      let absent = missing.isEmpty ? "" : " (\(missing.joined(separator: ", ")) not found)"
      return "\(offered), and \(searched) has no key for \(host)\(absent); add the server's"
        + " key (check its fingerprint with the server's administrator) to a known_hosts file"
        + " named by repository.known-hosts; the connection was refused"
    case .otherTypes(let types):
      return "\(offered), and \(searched) has only \(types.joined(separator: ", ")) keys"
        + " for \(host); the server picks the key type (libssh2 cannot be told which), so list"
        + " all its host keys (ssh-keyscan prints them; check their fingerprints);"
        + " the connection was refused"
    case .changed(let file, let line):
      return "\(offered), but \(file):\(line) holds another key of that type for \(host):"
        + " the host key changed (a man in the middle, or a reinstalled server: check the"
        + " fingerprint before you replace the line); the connection was refused"
    case .revoked(let file, let line):
      return "\(offered), which \(file):\(line) marks @revoked; the connection was refused"
    }
  }
}
