import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// What checking one commit's signature found. Every verdict names the commit.
public enum SignatureVerdict: Sendable, Hashable, CustomStringConvertible {
  /// A good SSH signature by an allowed signer.
  case valid(commit: ObjectID, principal: String)
  /// The commit carries no signature.
  case unsigned(commit: ObjectID)
  /// The commit is signed, but not with SSH (`gpg` or `x509`); only SSH signatures count.
  case notSSH(commit: ObjectID, format: String)
  /// An SSH signature by a key that is not in the allowed signers file.
  case unknownKey(commit: ObjectID)
  /// An SSH signature that does not verify: the content was altered, or the key is not
  /// valid for that principal or namespace. `detail` is what ssh-keygen said.
  case bad(commit: ObjectID, detail: String)

  /// The commit the verdict is about.
  public var commit: ObjectID {
    switch self {
    case .valid(let commit, _), .unsigned(let commit), .notSSH(let commit, _),
      .unknownKey(let commit), .bad(let commit, _):
      commit
    }
  }

  /// Whether the commit may be applied.
  public var isValid: Bool {
    if case .valid = self { return true }
    return false
  }

  public var description: String {
    switch self {
    case .valid(let commit, let principal):
      "commit \(commit.short) has a good signature by \(principal)"
    case .unsigned(let commit):
      "commit \(commit.short) is not signed"
    case .notSSH(let commit, let format):
      "commit \(commit.short) has a \(format) signature; only SSH signatures are accepted"
    case .unknownKey(let commit):
      "commit \(commit.short) is signed by a key that is not in the allowed signers file"
    case .bad(let commit, let detail):
      "commit \(commit.short) has a bad signature: \(detail)"
    }
  }
}

/// Verifies commit signatures the way git does for `gpg.format=ssh`: the `gpgsig` header
/// and the signed payload come from libgit2, and `ssh-keygen -Y find-principals` then
/// `ssh-keygen -Y verify -n git` check them against an allowed signers file on the host.
public struct SignatureVerifier: Sendable {
  /// The allowed signers file (the `ssh-keygen` format git's `gpg.ssh.allowedSignersFile`
  /// uses). It is a trust anchor: it lives on the host, never in the repository.
  public var allowedSigners: String
  /// The `ssh-keygen` program: an absolute path, or a name looked up on `PATH`.
  public var sshKeygen: String
  /// How long one `ssh-keygen` run may take, in seconds.
  public var timeout: Double

  /// Creates a verifier for an allowed signers file.
  public init(allowedSigners: String, sshKeygen: String = "ssh-keygen", timeout: Double = 30) {
    self.allowedSigners = allowedSigners
    self.sshKeygen = sshKeygen
    self.timeout = timeout
  }

  /// Checks the signature of `commit` in the mirror. Throws only when the check itself
  /// could not run (the allowed signers file is missing or not protected, the commit is
  /// missing, ssh-keygen cannot be started); every property of the commit is a verdict.
  public func verify(_ commit: ObjectID, in mirror: GitMirror) throws -> SignatureVerdict {
    try checkAllowedSigners()
    let extracted: (signature: [UInt8], payload: [UInt8])?
    do {
      extracted = try mirror.repository.signature(of: commit)
    } catch {
      throw MirrorError(
        operation: "reading the signature of commit \(commit.short)", underlying: error)
    }
    guard let (signature, payload) = extracted else { return .unsigned(commit: commit) }
    return try verify(commit, signature: signature, payload: payload)
  }

  /// Checks an extracted signature block against `payload`.
  func verify(_ commit: ObjectID, signature: [UInt8], payload: [UInt8]) throws
    -> SignatureVerdict
  {
    let armor = String(decoding: signature.prefix(64), as: UTF8.self)
    if armor.hasPrefix("-----BEGIN PGP SIGNATURE-----") {
      return .notSSH(commit: commit, format: "gpg")
    }
    if armor.hasPrefix("-----BEGIN SIGNED MESSAGE-----") {
      return .notSSH(commit: commit, format: "x509")
    }
    guard armor.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
      return .notSSH(commit: commit, format: "unknown")
    }
    let scratch = try ScratchDirectory()
    defer { scratch.remove() }
    let signatureFile = try scratch.write("signature", signature)

    let found = try run(["-Y", "find-principals", "-f", allowedSigners, "-s", signatureFile])
    let principal = found.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
    guard found.succeeded, !principal.isEmpty else { return .unknownKey(commit: commit) }

    let verified = try run(
      ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", "git", "-s", signatureFile],
      input: payload)
    guard verified.succeeded, verified.stdoutText.hasPrefix("Good \"git\" signature") else {
      let said =
        (verified.stderrText + verified.stdoutText)
        .split(separator: "\n").first.map(String.init) ?? "status \(verified.status)"
      return .bad(commit: commit, detail: said)
    }
    return .valid(commit: commit, principal: principal)
  }

  /// Makes sure the allowed signers file exists, is a regular file of the running user's
  /// and cannot be written by anyone else: without this, a missing file would read as
  /// "unknown key" for every commit, and a writable one would let anybody add a signer.
  /// `stat(2)`
  public func checkAllowedSigners() throws {
    let slash = allowedSigners.lastIndex(of: "/")
    let directory = slash.map { String(allowedSigners[..<$0]) } ?? "."
    let name =
      slash.map { String(allowedSigners[allowedSigners.index(after: $0)...]) }
      ?? allowedSigners
    let contents: [UInt8]?
    do {
      contents = try StateFile.read(name, in: directory.isEmpty ? "/" : directory, limit: 1 << 20)
    } catch let error as StateFileError {
      throw error
    } catch {
      throw StateFileError(path: allowedSigners, reason: "cannot be read: \(error)")
    }
    guard contents != nil else {
      throw StateFileError(path: allowedSigners, reason: "does not exist")
    }
  }

  private func run(_ arguments: [String], input: [UInt8]? = nil) throws -> SubprocessResult {
    try Subprocess.run([sshKeygen] + arguments, environment: [:], input: input, timeout: timeout)
  }
}

/// A private temporary directory (mode 0700) for the files ssh-keygen reads.
private struct ScratchDirectory {
  let path: String

  /// `mkdtemp(3)`
  init() throws {
    var template = Array("/tmp/reconcile-verify-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw SystemCallError("mkdtemp", subject: "/tmp") }
    path = String(cString: made)
  }

  /// Writes `bytes` to a new file `name`, returning its path.
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let file = try Descriptor.open(
      path + "/" + name, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
    try file.writeAll(bytes)
    return path + "/" + name
  }

  /// Removes the directory and its files. `unlinkat(2)`
  func remove() {
    guard let dir = try? Descriptor.open(path, flags: O_RDONLY | O_DIRECTORY) else { return }
    for name in (try? dir.entries()) ?? [] { try? dir.remove(name) }
    _ = rmdir(path)
  }
}
