/// A host key an SSH server offered: its wire-format blob (what a known_hosts line holds in
/// base64) and, when libssh2 computed it, its SHA-256 hash.
struct SSHHostKey: Sendable, Equatable {
  /// The key in SSH wire format: the type as a length-prefixed string, then its fields.
  var blob: [UInt8]
  /// SHA-256 of `blob`, from libgit2's `git_cert_hostkey.hash_sha256`.
  var sha256: [UInt8]?

  /// The key's type as its blob names it (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...).
  var type: String {
    guard blob.count >= 4 else { return "unknown" }
    let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
    guard length > 0, length <= blob.count - 4 else { return "unknown" }
    return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
  }

  /// The type and fingerprint as `ssh-keygen -l` prints them: `ssh-ed25519 SHA256:...`.
  var description: String {
    guard let sha256 else { return "\(type) (no SHA-256 fingerprint from libssh2)" }
    return "\(type) SHA256:\(Base64.encode(sha256, padding: false))"
  }
}
