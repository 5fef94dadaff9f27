import CGit2
import Synchronization

/// The certificate authorities libgit2 trusts for `https://`, a process-wide setting.
///
/// Debian's libgit2 1.5 uses mbedTLS, which loads `/etc/ssl/certs/ca-certificates.crt` at
/// initialisation and verifies the server's certificate chain and name against it; a
/// certificate that does not verify fails the connection (`GIT_ECERTIFICATE`) unless a
/// certificate callback overrides it, which reconcile's never does for TLS.
/// `GIT_OPT_SET_SSL_CERT_LOCATIONS` replaces that set (it frees the previous one, so it must
/// not change under a handshake). `withAuthorities` therefore sets it and runs the fetch
/// under one lock: https fetches of one process run one at a time.
enum TLSTrust {
  /// Where libgit2 (as Debian builds it) finds the system's authorities.
  static let systemFile = "/etc/ssl/certs/ca-certificates.crt"

  /// The file libgit2 currently trusts; `nil` while it is still the set loaded at start.
  private static let current = Mutex<String?>(nil)

  /// Runs `body` with libgit2 trusting the authorities in `file`, or the system's when
  /// `nil`. A configured file is read again for every fetch (it is small); the system's is
  /// loaded again only after another file was used. `git_libgit2_opts`
  static func withAuthorities<R: Sendable>(
    _ file: String?, _ body: () throws -> sending R
  ) throws -> R {
    LibGit2.prepare()
    return try current.withLock { current -> sending Result<R, any Error> in
      do {
        if let file {
          try check("git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, \(file))") {
            cgit2_set_ssl_cert_file(file)
          }
          current = file
        } else if current != nil {
          try check("git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, \(systemFile))") {
            cgit2_set_ssl_cert_file(systemFile)
          }
          current = nil
        }
        return .success(try body())
      } catch {
        return .failure(error)
      }
    }.get()
  }
}
