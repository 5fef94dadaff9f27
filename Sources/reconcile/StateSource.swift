import Core
import GitSource

/// Where one run reads the desired state from, and what it must record once applied.
struct StateSource {
  /// The tree plugins read.
  let tree: any StateTree
  /// Things the plan should say about the source (fetch failed, mirror age, staleness).
  let limitations: [String]
  /// For a git source: the verified update, recorded as applied after `apply`.
  let update: SourceUpdate?
  /// The state directory on the real file system (for the git records).
  let stateDirectory: String
  /// Whether the last successful fetch is older than the configured limit.
  var isStale = false
  /// Seconds since the last successful fetch, for a git source.
  var fetchAge: Int64? = nil

  /// A work tree or fixture folder, read as it is: no fetch, no signature check. For
  /// development, pull-request review and tests.
  static func directory(_ path: String, stateDirectory: String) -> StateSource {
    StateSource(
      tree: DirectoryTree(path: path), limitations: [], update: nil, stateDirectory: stateDirectory, isStale: false)
  }

  /// The configured git repository: fetch into the private mirror (or fall back to it when
  /// the remote cannot be reached or does not answer within `fetchTimeout` seconds), accept
  /// only a fast-forward from the last applied commit whose every new commit is signed by an
  /// allowed signer, and read that commit's objects.
  ///
  /// A fetch that finds nothing new rewrites the fetch record only when it is older than a
  /// tenth of `staleAfter` (`recordResolution(staleAfter:)`), so most no-op runs write
  /// nothing; the age read back is then at most that much too old, and staleness is declared
  /// at most that much early, never late.
  static func git(
    url: String, branch: String, allowedSigners: String?, access: RemoteAccess, staleAfter: Int64,
    fetchTimeout: Int64 = 120, stateDirectory: String
  ) throws -> StateSource {
    let mirror = try GitMirror(stateDirectory: stateDirectory, url: url, branch: branch, access: access)
    var limitations: [String] = []
    var stale = false
    var fetchAge: Int64?
    var fetchFailure: (any Error)?
    do {
      _ = try mirror.fetch(
        timeout: Double(fetchTimeout), recordResolution: Self.recordResolution(staleAfter: staleAfter))
    } catch {
      fetchFailure = error
    }
    guard let tip = try mirror.tip() else {
      throw SourceError(
        message:
          "cannot fetch \(url) and there is no mirror yet: \(fetchFailure.map { "\($0)" } ?? "no branch \(branch)")")
    }
    if let record = try mirror.lastFetch() {
      let age = record.age()
      fetchAge = age
      if let fetchFailure {
        limitations.append(
          "could not fetch \(url) (\(fetchFailure)); planning from the mirror as fetched \(Self.describe(age)) ago")
      }
      if age > staleAfter {
        stale = true
        limitations.append(
          "the source is stale: last successful fetch \(Self.describe(age)) ago (limit \(Self.describe(staleAfter)))")
      }
    }
    let last = try LastApplied.load(from: stateDirectory)
    let update = try SourceUpdate.verify(
      mirror: mirror, lastApplied: last?.commit, tip: tip, policy: TrustPolicy(allowedSigners: allowedSigners))
    return StateSource(
      tree: try GitTree(mirror: mirror, commit: update.commit), limitations: limitations, update: update,
      stateDirectory: stateDirectory, isStale: stale, fetchAge: fetchAge)
  }

  /// How stale the fetch record may get before a no-op fetch rewrites it: a tenth of
  /// `stale-after` (6 min for the default hour). A run every few minutes then writes it about
  /// once in that time, and the staleness warning comes at most 10 % early.
  static func recordResolution(staleAfter: Int64) -> Int64 { staleAfter / 10 }

  /// Records the applied commit, when it moved.
  func recordApplied() throws {
    guard let update, update.previous != update.commit else { return }
    try LastApplied.store(LastApplied(commit: update.commit), in: stateDirectory)
  }

  /// `90 s`, `12 min`, `3 h`, `2 d`.
  static func describe(_ seconds: Int64) -> String {
    switch seconds {
    case ..<120: return "\(seconds) s"
    case ..<7200: return "\(seconds / 60) min"
    case ..<172_800: return "\(seconds / 3600) h"
    default: return "\(seconds / 86400) d"
    }
  }
}

/// The source could not be read at all.
struct SourceError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
