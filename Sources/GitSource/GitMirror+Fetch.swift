import CGit2

#if canImport(Glibc)
import Glibc
#endif

/// What one fetch did.
public struct FetchResult: Sendable, Equatable {
  /// The branch tip in the mirror before the fetch (`nil` on the first fetch).
  public var previousTip: ObjectID?
  /// The branch tip the remote advertised, now in the mirror. It is not yet verified.
  public var tip: ObjectID
  /// Objects received from the remote (0 when nothing was new).
  public var receivedObjects: Int
  /// Bytes received from the remote.
  public var receivedBytes: Int

  /// Whether the fetch moved the branch.
  public var changed: Bool { previousTip != tip }
}

/// When the mirror last fetched successfully, and what it got.
public struct FetchRecord: Sendable, Equatable {
  /// Seconds since the epoch.
  public var time: Int64
  /// The tip fetched.
  public var tip: ObjectID

  /// Seconds between the fetch and `now` (seconds since the epoch).
  public func age(now: Int64 = FetchRecord.now()) -> Int64 { now - time }

  /// The current time in seconds since the epoch. `clock_gettime(2)`
  public static func now() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec)
  }
}

extension GitMirror {
  /// The branch tip in the mirror, unverified; `nil` before the first successful fetch.
  /// `git_reference_name_to_id`
  public func tip() throws -> ObjectID? {
    do {
      return try repository.resolve(reference: trackingReference)
    } catch {
      throw MirrorError(operation: "reading \(trackingReference) in the mirror", underlying: error)
    }
  }

  /// Fetches the branch from the remote into the mirror.
  ///
  /// One connection: the remote's reference advertisement is read first, and when the
  /// branch is where the mirror already has it, nothing is downloaded and nothing is written
  /// but the last-fetch record. Otherwise the missing objects are downloaded (no tags) and
  /// `refs/remotes/origin/BRANCH` is set to the advertised commit, even when that is not a
  /// fast-forward: the mirror records what the remote said, and the trust policy decides.
  /// No `FETCH_HEAD` is written and no remote-tracking reference is pruned. On success the
  /// time is recorded in `STATE/git-last-fetch`; on failure (remote unreachable, branch
  /// missing) the mirror stays as it was and still serves its last tip.
  /// `git_remote_create_anonymous`, `git_remote_connect`, `git_remote_ls`,
  /// `git_remote_download`, `git_reference_create`
  public func fetch() throws -> FetchResult {
    let operation = "fetching refs/heads/\(branch) from \(url)"
    do {
      let before = try repository.resolve(reference: trackingReference)
      var remote: OpaquePointer?
      try check("git_remote_create_anonymous") {
        git_remote_create_anonymous(&remote, repository.pointer, url)
      }
      defer { git_remote_free(remote) }

      var options = git_fetch_options()
      try check("git_fetch_options_init") {
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
      }
      options.prune = GIT_FETCH_NO_PRUNE
      options.update_fetchhead = 0
      options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
      options.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL
      let credentials = CredentialSource(keyFile: sshKey)
      options.callbacks.payload = Unmanaged.passUnretained(credentials).toOpaque()
      options.callbacks.credentials = credentialCallback

      try check("git_remote_connect") {
        git_remote_connect(remote, GIT_DIRECTION_FETCH, &options.callbacks, nil, nil)
      }
      defer { git_remote_disconnect(remote) }
      guard let advertised = try advertisedTip(remote) else {
        throw MirrorError(operation: operation, reason: "the remote has no branch \(branch)")
      }
      if advertised == before {
        try recordFetch(tip: advertised)
        return FetchResult(
          previousTip: before, tip: advertised, receivedObjects: 0, receivedBytes: 0)
      }

      try withStringArray(["refs/heads/" + branch]) { specs in
        _ = try check("git_remote_download") { git_remote_download(remote, &specs, &options) }
      }
      let stats = git_remote_stats(remote)?.pointee
      _ = try repository.commit(advertised)  // the download really brought the commit
      var oid = advertised.oid
      var reference: OpaquePointer?
      try check("git_reference_create") {
        git_reference_create(
          &reference, repository.pointer, trackingReference, &oid, 1, "reconcile: fetch")
      }
      git_reference_free(reference)
      try recordFetch(tip: advertised)
      return FetchResult(
        previousTip: before, tip: advertised,
        receivedObjects: Int(stats?.received_objects ?? 0),
        receivedBytes: stats?.received_bytes ?? 0)
    } catch let error as MirrorError {
      throw error
    } catch {
      throw MirrorError(operation: operation, underlying: error)
    }
  }

  /// The commit the connected remote advertises for the branch. `git_remote_ls`
  private func advertisedTip(_ remote: OpaquePointer?) throws -> ObjectID? {
    var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
    var count = 0
    try check("git_remote_ls") { git_remote_ls(&heads, &count, remote) }
    let wanted = "refs/heads/" + branch
    for index in 0..<count {
      guard let head = heads?[index]?.pointee, String(cString: head.name) == wanted else {
        continue
      }
      return ObjectID(head.oid)
    }
    return nil
  }

  /// The last successful fetch, or `nil` when none is known: there has been none, or its
  /// record was lost (it is written without fsync, see `recordFetch`). Throws when the
  /// record is not the running user's alone.
  public func lastFetch() throws -> FetchRecord? {
    guard let bytes = try StateFile.read(Self.lastFetchFileName, in: stateDirectory) else {
      return nil
    }
    let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
    guard fields.count == 2, let time = Int64(fields[0]),
      let tip = ObjectID(hex: String(fields[1]))
    else { return nil }
    return FetchRecord(time: time, tip: tip)
  }

  /// Writes `TIME TIP` to the last-fetch record, atomically but without fsync: two fsyncs
  /// cost 10 to 30 ms on this kind of disk, more than the whole no-op fetch, and losing the
  /// record in a power cut only makes the mirror look older until the next fetch.
  private func recordFetch(tip: ObjectID) throws {
    let line = "\(FetchRecord.now()) \(tip.hex)\n"
    try StateFile.write(
      Array(line.utf8), to: Self.lastFetchFileName, in: stateDirectory, durable: false)
  }
}

/// Passes `strings` to libgit2 as a `git_strarray` for the duration of `body`.
func withStringArray<R>(_ strings: [String], _ body: (inout git_strarray) throws -> R) rethrows
  -> R
{
  var copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  return try copies.withUnsafeMutableBufferPointer { buffer in
    var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
    return try body(&array)
  }
}

/// What the credential callback may offer: a configured SSH key, once.
private final class CredentialSource {
  let keyFile: String?
  var attempts = 0

  init(keyFile: String?) { self.keyFile = keyFile }
}

/// libgit2's credential callback: offers the configured SSH private key once; declines
/// otherwise so that libgit2 reports the authentication failure instead of asking again.
/// `git_credential_ssh_key_new`
private let credentialCallback: git_credential_acquire_cb = {
  out, _, usernameFromURL, allowedTypes, payload in
  guard let payload else { return GIT_PASSTHROUGH.rawValue }
  let source = Unmanaged<CredentialSource>.fromOpaque(payload).takeUnretainedValue()
  source.attempts += 1
  guard source.attempts == 1, let key = source.keyFile,
    allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0
  else { return GIT_PASSTHROUGH.rawValue }
  let user = usernameFromURL.map { String(cString: $0) } ?? "git"
  return git_credential_ssh_key_new(out, user, nil, key, nil)
}
