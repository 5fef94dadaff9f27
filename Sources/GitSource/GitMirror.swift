import CGit2
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// A private bare mirror of one branch of the state repository, kept in the state directory.
///
/// The mirror is a bare repository in `STATE/git-mirror` (mode 0700, owned by the running
/// user, which is root on a host). It has no work tree, nothing is checked out, and libgit2
/// runs no hooks. Its configuration file is the one reconcile writes (rewritten on open when
/// it differs) and the only configuration libgit2 reads: no system or global git
/// configuration, and nothing from the remote. Each `fetch` updates
/// `refs/remotes/origin/BRANCH` from an anonymous remote, within a deadline, and records when
/// it last succeeded in `STATE/git-last-fetch` (to a resolution the caller picks, so that a
/// fetch with nothing new need not write), so a caller can work from the mirror when the
/// remote is unreachable or hung and say how old it is.
///
/// Not `Sendable`: use it from one synchronous operation at a time.
public final class GitMirror {
  /// The mirror directory's name inside the state directory.
  public static let directoryName = "git-mirror"
  /// The last-fetch record's name inside the state directory.
  public static let lastFetchFileName = "git-last-fetch"

  /// The configuration file reconcile writes into the mirror, and the only one it reads.
  static let configuration = """
    # Written by reconcile, rewritten whenever it differs. Nothing here comes from a remote.
    [core]
    \trepositoryformatversion = 0
    \tbare = true
    \tfilemode = true
    \tlogallrefupdates = false

    """

  /// The state directory holding the mirror and its records.
  public let stateDirectory: String
  /// Where the mirror fetches from: a local path, `file://`, `git://`, `https://` or `ssh://`.
  public let url: String
  /// The branch followed.
  public let branch: String
  /// The SSH key offered, the SSH host keys accepted, the authorities trusted for https.
  public let access: RemoteAccess

  let repository: GitRepository

  /// The mirror's directory.
  public var path: String { stateDirectory + "/" + Self.directoryName }

  /// The local reference the remote branch is fetched into.
  public var trackingReference: String { "refs/remotes/origin/" + branch }

  /// Opens the mirror in `stateDirectory` (an existing directory), creating it on first use.
  /// Refuses a mirror directory that is a symlink, belongs to another user or is open to
  /// others, and a branch name git would not accept. With the default `access` no SSH server
  /// is believed (`RemoteAccess.knownHosts` is empty).
  public init(
    stateDirectory: String, url: String, branch: String, access: RemoteAccess = RemoteAccess()
  ) throws {
    self.stateDirectory = stateDirectory
    self.url = url
    self.branch = branch
    self.access = access
    let path = stateDirectory + "/" + Self.directoryName
    do {
      guard !branch.hasPrefix("-"), try GitRepository.isValid(reference: "refs/heads/" + branch)
      else {
        throw MirrorError(operation: "opening the mirror", reason: "invalid branch name \(branch)")
      }
      let isNew = try Self.prepareDirectory(stateDirectory)
      if isNew {
        _ = try GitRepository.create(bare: path)
      }
      try Self.writeConfigurationIfChanged(path)
      repository = try Self.open(path)
    } catch let error as MirrorError {
      throw error
    } catch {
      throw MirrorError(operation: "opening the mirror in \(path)", underlying: error)
    }
  }

  /// Opens a handle on the mirror at `path` that reads only the mirror's own configuration.
  static func open(_ path: String) throws -> GitRepository {
    let repository = try GitRepository.open(bare: path)
    try repository.useOnlyConfig(file: path + "/config")
    return repository
  }

  /// Creates `STATE/git-mirror` with mode 0700 when missing, and checks an existing one.
  /// Returns whether it needs a repository created in it.
  private static func prepareDirectory(_ stateDirectory: String) throws -> Bool {
    let state = try Descriptor.open(stateDirectory, flags: O_RDONLY | O_DIRECTORY)
    let status: FileStatus
    do {
      status = try state.status(of: directoryName)
    } catch let error as SystemCallError where error.isNotFound {
      try state.makeDirectory(directoryName, mode: 0o700)
      let created = try state.open(directoryName, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
      try created.changeMode(0o700)
      return true
    }
    let path = stateDirectory + "/" + directoryName
    guard status.kind == .directory else {
      throw MirrorError(operation: "opening the mirror", reason: "\(path) is not a directory")
    }
    guard status.uid == geteuid(), status.mode & 0o077 == 0 else {
      throw MirrorError(
        operation: "opening the mirror",
        reason: "\(path) belongs to uid \(status.uid) with mode \(String(status.mode, radix: 8));"
          + " it must belong to uid \(geteuid()) with mode 0700")
    }
    let directory = try state.open(directoryName, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
    let names = try directory.entries()
    if names.isEmpty { return true }
    guard names.contains("HEAD"), names.contains("objects") else {
      throw MirrorError(
        operation: "opening the mirror",
        reason: "\(path) is not empty and not a git repository; remove it to start afresh")
    }
    return false
  }

  /// Makes the mirror's `config` exactly `configuration`.
  private static func writeConfigurationIfChanged(_ path: String) throws {
    let wanted = Array(configuration.utf8)
    let current = try? StateFile.read("config", in: path, limit: 1 << 20)
    if current != wanted {
      try StateFile.write(wanted, to: "config", in: path, mode: 0o600)
    }
  }
}

/// A mirror operation that failed: what was being done and why.
public struct MirrorError: Error, Sendable, CustomStringConvertible {
  /// What was being done, e.g. `fetching refs/heads/main from git://host/repo`.
  public var operation: String
  /// Why it failed, in words.
  public var reason: String
  /// The libgit2 failure behind it, when there is one.
  public var gitError: GitError?

  /// Creates an error with a reason in words.
  public init(operation: String, reason: String) {
    self.operation = operation
    self.reason = reason
  }

  /// Wraps a lower error.
  init(operation: String, underlying: any Error) {
    self.operation = operation
    self.reason = String(describing: underlying)
    self.gitError = underlying as? GitError
  }

  public var description: String { "\(operation) failed: \(reason)" }
}
