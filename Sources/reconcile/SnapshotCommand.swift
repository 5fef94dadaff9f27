import ArgumentParser
import Core
import FoundationEssentials
import SystemCalls

/// `reconcile snapshot`: the host's observed state, saved for `review --snapshot`.
struct SnapshotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "snapshot",
    abstract: "Write what reconcile observes on this host as JSON, for 'review --snapshot'.",
    discussion: """
      Observes everything the repository's declarations for the host and reconcile's \
      ledger name, as 'plan' does, changing nothing, and writes it with the ledger and the \
      host facts as one JSON document (always JSON: --format is ignored). It holds no \
      secrets: plugins keep no password hashes or mail credentials in what they observe, \
      and any value shaped like a password hash is replaced by "\(HostObservation.redacted)". \
      Resources that only a later commit declares are not in it.

      Exit codes: 0 written, 1 error.
      """)

  @OptionGroup var options: HostOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Write the snapshot to FILE (atomically, mode 0600) instead of standard output.",
      valueName: "file"))
  var output: String?

  func run() throws {
    let session = try Session(options: options)
    let loaded = try session.load()
    do {
      let observation = try session.engine.observe(
        loaded, host: session.host, ledger: try session.ledger())
      let json = Array(try observation.redactingPasswordHashes().json()) + [10]
      if let output {
        try Self.write(json, to: output)
      } else {
        Terminal.out(String(decoding: json, as: UTF8.self))
      }
    } catch {
      Terminal.error("error: \(error)\n")
      throw ExitCode(ExitCodes.failure)
    }
  }

  /// Replaces `file` atomically (a temporary file beside it, renamed over it), owned by the
  /// running user, mode 0600.
  static func write(_ bytes: [UInt8], to file: String) throws {
    let absolute =
      file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    guard let path = HostPath(absolute), !path.isRoot else {
      throw ValidationError("--output must name a file, not '\(file)'")
    }
    try RootedFileSystem(root: "/").write(
      path, bytes, mode: 0o600, uid: ProcessIdentity.userID, gid: ProcessIdentity.groupID)
  }
}
