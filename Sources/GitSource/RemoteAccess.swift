/// How a mirror reaches its remote and which servers it believes: the SSH key it offers, the
/// SSH host keys it accepts, and the certificate authorities it trusts for `https://`.
public struct RemoteAccess: Sendable, Equatable {
  /// A private key file offered to `ssh://` remotes, if any.
  public var sshKey: String?
  /// OpenSSH known_hosts files holding the host keys `ssh://` (and `user@host:path`)
  /// remotes must present. Empty: every SSH server is refused.
  public var knownHosts: [String]
  /// A PEM file of the certificate authorities trusted for `https://` remotes, instead of
  /// the system's (`/etc/ssl/certs/ca-certificates.crt`); `nil` for the system's.
  public var certificateAuthorities: String?

  /// Creates the settings; the defaults offer no key, accept no SSH server and trust the
  /// system's certificate authorities.
  public init(
    sshKey: String? = nil, knownHosts: [String] = [], certificateAuthorities: String? = nil
  ) {
    self.sshKey = sshKey
    self.knownHosts = knownHosts
    self.certificateAuthorities = certificateAuthorities
  }

  /// The TCP port a remote URL names, or its scheme's default (`ssh` 22, `git` 9418, `https`
  /// 443, `http` 80); 22 for the scp-like `[user@]host:path`; `nil` for a local path or
  /// `file://`. libgit2's certificate callback is told the host but not the port.
  static func port(of url: String) -> Int? {
    guard let scheme = url.firstRange(of: "://") else {
      let beforeSlash = url.prefix { $0 != "/" }
      return beforeSlash.contains(":") && !url.hasPrefix(".") ? 22 : nil
    }
    let defaults = ["ssh": 22, "ssh+git": 22, "git+ssh": 22, "git": 9418, "https": 443, "http": 80]
    guard let standard = defaults[url[..<scheme.lowerBound].lowercased()] else { return nil }
    var authority = url[scheme.upperBound...].prefix { $0 != "/" }
    if let at = authority.lastIndex(of: "@") {
      authority = authority[authority.index(after: at)...]
    }
    if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
      authority = authority[authority.index(after: close)...]
    }
    guard let colon = authority.lastIndex(of: ":") else { return standard }
    return Int(authority[authority.index(after: colon)...]) ?? standard
  }
}
