import GitSource
import SystemCalls

// Real git repositories, SSH signing keys and allowed-signers files for tests, made with the
// git CLI and ssh-keygen.

/// A failed helper command in a test.
public struct CommandFailed: Error, CustomStringConvertible {
  public var command: [String]
  public var result: SubprocessResult
  public init(command: [String], result: SubprocessResult) {
    self.command = command
    self.result = result
  }
  public var description: String {
    "\(command.joined(separator: " ")) exited \(result.status): \(result.stderrText)"
  }
}

/// Runs a command with a controlled environment and returns its standard output.
@discardableResult
public func run(_ argv: [String], in directory: String? = nil, home: String = "/nonexistent")
  throws -> String
{
  let environment = [
    "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
  ]
  var command = argv
  if let directory, argv.first == "git" {
    command = ["git", "-C", directory] + argv.dropFirst()
  }
  let result = try Subprocess.run(command, environment: environment, timeout: 60)
  guard result.succeeded else { throw CommandFailed(command: command, result: result) }
  return result.stdoutText
}

/// Runs a shell command line.
@discardableResult
public func sh(_ script: String) throws -> String { try run(["/bin/sh", "-c", script]) }

/// An SSH signing key made with ssh-keygen.
public struct Signer {
  public let principal: String
  public let keyFile: String

  public init(_ name: String, in scratch: ScratchDirectory) throws {
    principal = "\(name)@example.org"
    keyFile = scratch.path + "/key-" + name
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", keyFile])
  }

  /// The allowed-signers line for this key.
  public func allowedSignersLine() throws -> String {
    let publicKey = try sh("cat '\(keyFile).pub'").split(separator: " ").prefix(2)
      .joined(separator: " ")
    return "\(principal) namespaces=\"git\" \(publicKey)"
  }
}

/// A writable repository with a work tree, standing in for the state repository's server.
public struct Remote {
  public let path: String

  public init(in scratch: ScratchDirectory, name: String = "remote") throws {
    path = try scratch.sub(name)
    try run(["git", "init", "-q", "-b", "main", path])
  }

  /// Writes `files`, stages everything and commits, signed by `signer` or unsigned.
  @discardableResult
  public func commit(_ message: String, files: [String: String] = [:], signer: Signer?) throws
    -> ObjectID
  {
    for (name, content) in files {
      let file = path + "/" + name
      let quoted = content.replacing("'", with: "'\\''")
      try sh("mkdir -p \"$(dirname '\(file)')\" && printf '%s' '\(quoted)' > '\(file)'")
    }
    if files.isEmpty {
      try run(["git", "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", message], in: path)
      if let signer { try resign(signer) }
    } else {
      try run(["git", "add", "-A"], in: path)
      try run(["git", "commit", "-q", "--no-gpg-sign", "-m", message], in: path)
      if let signer { try resign(signer) }
    }
    return try head()
  }

  /// Re-creates HEAD's commit signed by `signer`.
  public func resign(_ signer: Signer) throws {
    try run(
      [
        "git", "-c", "gpg.format=ssh", "-c", "user.signingkey=\(signer.keyFile)", "commit", "-q",
        "--amend", "--no-edit", "-S",
      ], in: path)
  }

  /// Merges `branch` into the current branch with a merge commit.
  @discardableResult
  public func merge(_ branch: String, signer: Signer?) throws -> ObjectID {
    try run(
      ["git", "merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "Merge \(branch)", branch], in: path)
    if let signer { try resign(signer) }
    return try head()
  }

  public func head() throws -> ObjectID {
    let hex = try run(["git", "rev-parse", "HEAD"], in: path)
    return ObjectID(hex: String(hex.prefix(40)))!
  }

  public func git(_ arguments: String...) throws {
    try run(["git"] + arguments, in: path)
  }
}

/// Writes an allowed signers file trusting `signers`.
public func allowedSigners(_ signers: [Signer], in scratch: ScratchDirectory) throws -> String {
  let file = scratch.path + "/allowed_signers"
  let lines = try signers.map { try $0.allowedSignersLine() }.joined(separator: "\n")
  try sh("printf '%s\\n' '\(lines)' > '\(file)'")
  return file
}
