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
  /// How long a fetch may take, connecting included, unless the caller says otherwise.
  public static let defaultFetchTimeout: Double = 120

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
  /// branch is where the mirror already has it, nothing is downloaded. Otherwise the missing
  /// objects are downloaded (no tags) and `refs/remotes/origin/BRANCH` is set to the
  /// advertised commit, even when that is not a fast-forward: the mirror records what the
  /// remote said, and the trust policy decides. No `FETCH_HEAD` is written and no
  /// remote-tracking reference is pruned. On failure (remote unreachable, branch missing,
  /// `timeout` seconds passed) the mirror stays as it was and still serves its last tip.
  ///
  /// The network part (connecting, reading the advertisement, downloading) must end within
  /// `timeout` seconds, or the fetch fails saying so (`FetchDeadline`): libgit2 1.5 has no
  /// timeout of its own.
  ///
  /// On success the time and tip are recorded in `STATE/git-last-fetch`, except when the
  /// branch did not move and the record already names this tip and is younger than
  /// `recordResolution` seconds: then nothing at all is written, and the record's time may
  /// be up to `recordResolution` older than the last successful fetch (never newer). With the
  /// default 0 the record is rewritten by every successful fetch.
  /// `git_remote_create_anonymous`, `git_remote_connect`, `git_remote_ls`,
  /// `git_remote_download`, `git_reference_create`
  public func fetch(
    timeout: Double = GitMirror.defaultFetchTimeout, recordResolution: Int64 = 0
  ) throws -> FetchResult {
    let operation = "fetching refs/heads/\(branch) from \(url)"
    do {
      let before = try repository.resolve(reference: trackingReference)
      let deadline = try FetchDeadline(seconds: timeout, remotePort: RemoteAccess.port(of: url))
      let received: Received
      do {
        received = try download(after: before, deadline: deadline.end)
      } catch {
        let kept = "the mirror " + (before.map { "keeps \($0.short)" } ?? "stays empty")
        if let rejection = error as? HostKeyRejection {
          throw MirrorError(operation: operation, reason: "\(rejection); \(kept)")
        }
        guard deadline.hasPassed else { throw error }
        throw MirrorError(
          operation: operation,
          reason: "the remote did not finish within \(Self.describe(timeout)) (\(error)); \(kept)")
      }
      _ = consume deadline  // no signal may interrupt the writes below
      guard let advertised = received.tip else {
        throw MirrorError(operation: operation, reason: "the remote has no branch \(branch)")
      }
      if advertised == before {
        if !recordIsCurrent(tip: advertised, resolution: recordResolution) {
          try recordFetch(tip: advertised)
        }
        return FetchResult(
          previousTip: before, tip: advertised, receivedObjects: 0, receivedBytes: 0)
      }
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
        previousTip: before, tip: advertised, receivedObjects: received.objects,
        receivedBytes: received.bytes)
    } catch let error as MirrorError {
      throw error
    } catch {
      throw MirrorError(operation: operation, underlying: error)
    }
  }

  /// What the network part of a fetch got.
  private struct Received: Sendable {
    /// The advertised tip of the branch; `nil` when the remote has no such branch.
    var tip: ObjectID?
    var objects = 0
    var bytes = 0
  }

  /// Connects, reads the advertisement and, when the branch is not at `before`, downloads
  /// the missing objects into the mirror's object database (no reference is written). The
  /// callbacks abort once `deadline` (`CLOCK_MONOTONIC` nanoseconds) has passed. An SSH
  /// server must present a host key the known_hosts files hold (`HostKeyRejection`
  /// otherwise); an https server a certificate the trusted authorities vouch for
  /// (`TLSTrust`).
  private func download(after before: ObjectID?, deadline: Int64) throws -> Received {
    guard Self.usesTLS(url) else {
      return try connectAndDownload(after: before, deadline: deadline)
    }
    return try TLSTrust.withAuthorities(access.certificateAuthorities) {
      try connectAndDownload(after: before, deadline: deadline)
    }
  }

  /// Whether `url` may lead to a TLS connection (https, or http redirected to https).
  private static func usesTLS(_ url: String) -> Bool {
    url.prefix(4).lowercased() == "http"
  }

  /// `download` itself.
  /// `git_remote_create_anonymous`, `git_remote_connect`, `git_remote_download`
  private func connectAndDownload(after before: ObjectID?, deadline: Int64) throws -> Received {
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
    let callbacks = FetchCallbacks(
      keyFile: access.sshKey, deadline: deadline,
      knownHosts: KnownHosts(files: access.knownHosts), sshPort: RemoteAccess.port(of: url) ?? 22)
    options.callbacks.payload = Unmanaged.passUnretained(callbacks).toOpaque()
    options.callbacks.credentials = credentialCallback
    options.callbacks.certificate_check = certificateCallback
    options.callbacks.sideband_progress = sidebandCallback
    options.callbacks.transfer_progress = transferCallback

    return try withExtendedLifetime(callbacks) {
      do {
        try check("git_remote_connect") {
          git_remote_connect(remote, GIT_DIRECTION_FETCH, &options.callbacks, nil, nil)
        }
      } catch {
        throw callbacks.rejection ?? error
      }
      defer { git_remote_disconnect(remote) }
      var received = Received(tip: try advertisedTip(remote))
      guard let tip = received.tip, tip != before else { return received }
      try withStringArray(["refs/heads/" + branch]) { specs in
        _ = try check("git_remote_download") { git_remote_download(remote, &specs, &options) }
      }
      if let stats = git_remote_stats(remote)?.pointee {
        received.objects = Int(stats.received_objects)
        received.bytes = stats.received_bytes
      }
      return received
    }
  }

  /// `90 s`, `2 min`, `1.5 s`.
  private static func describe(_ seconds: Double) -> String {
    if seconds >= 120, seconds.rounded() == seconds { return "\(Int(seconds) / 60) min" }
    if seconds.rounded() == seconds { return "\(Int(seconds)) s" }
    return "\(seconds) s"
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

  /// Whether the last-fetch record names `tip` and is younger than `resolution` seconds, so
  /// that a fetch that found nothing new may leave it as it is (a no-op run writes nothing).
  /// A record from the future (the clock was set back) is not current.
  private func recordIsCurrent(tip: ObjectID, resolution: Int64) -> Bool {
    guard resolution > 0, let record = try? lastFetch(), record.tip == tip else { return false }
    return (0..<resolution).contains(record.age())
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

/// What the fetch callbacks share: a configured SSH key, offered once, the deadline, the
/// SSH host keys believed, and why a host key was refused.
private final class FetchCallbacks {
  let keyFile: String?
  /// `CLOCK_MONOTONIC` nanoseconds after which the progress callbacks abort the fetch.
  let deadline: Int64
  let knownHosts: KnownHosts
  /// The port of an SSH remote (libgit2 tells the certificate callback only the host).
  let sshPort: Int
  var attempts = 0
  /// Set when the certificate callback refused an SSH host key.
  var rejection: HostKeyRejection?

  init(keyFile: String?, deadline: Int64, knownHosts: KnownHosts, sshPort: Int) {
    self.keyFile = keyFile
    self.deadline = deadline
    self.knownHosts = knownHosts
    self.sshPort = sshPort
  }

  /// -1 (abort) once the deadline has passed, else 0.
  var verdict: Int32 { FetchDeadline.monotonicNow() >= deadline ? -1 : 0 }

  /// The callbacks behind a libgit2 payload.
  static func from(_ payload: UnsafeMutableRawPointer?) -> FetchCallbacks? {
    payload.map { Unmanaged<FetchCallbacks>.fromOpaque($0).takeUnretainedValue() }
  }
}

/// libgit2's download progress callback: aborts the fetch once the deadline has passed, so a
/// remote that trickles data cannot keep it going.
private let transferCallback: git_indexer_progress_cb = { _, payload in
  FetchCallbacks.from(payload)?.verdict ?? 0
}

/// libgit2's remote message callback ("Counting objects..."): aborts past the deadline too.
private let sidebandCallback: git_transport_message_cb = { _, _, payload in
  FetchCallbacks.from(payload)?.verdict ?? 0
}

/// libgit2's credential callback: offers the configured SSH private key once; declines
/// otherwise so that libgit2 reports the authentication failure instead of asking again.
/// `git_credential_ssh_key_new`
private let credentialCallback: git_credential_acquire_cb = {
  out, _, usernameFromURL, allowedTypes, payload in
  guard let source = FetchCallbacks.from(payload) else { return GIT_PASSTHROUGH.rawValue }
  source.attempts += 1
  guard source.attempts == 1, let key = source.keyFile,
    allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0
  else { return GIT_PASSTHROUGH.rawValue }
  let user = usernameFromURL.map { String(cString: $0) } ?? "git"
  return git_credential_ssh_key_new(out, user, nil, key, nil)
}

/// libgit2's certificate callback. An SSH host key is accepted only when the known_hosts
/// files hold it for the host and port (whatever libgit2's own check of
/// `$HOME/.ssh/known_hosts` said); otherwise the refusal is kept for the error and the
/// connection fails before authentication. A TLS certificate is left to libgit2's verdict
/// (`GIT_PASSTHROUGH`): valid against the trusted authorities and for the host name, or the
/// connection fails.
private let certificateCallback: git_transport_certificate_check_cb = { cert, _, host, payload in
  guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
    return GIT_PASSTHROUGH.rawValue
  }
  guard let source = FetchCallbacks.from(payload) else { return GIT_ECERTIFICATE.rawValue }
  let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
  var key = SSHHostKey(blob: [])
  if hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey {
    key.blob = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
  }
  if hostkey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 {
    key.sha256 = withUnsafeBytes(of: hostkey.hash_sha256) { Array($0) }
  }
  let name = host.map { String(cString: $0) } ?? ""
  source.rejection = source.knownHosts.check(host: name, port: source.sshPort, key: key)
  return source.rejection == nil ? 0 : GIT_ECERTIFICATE.rawValue
}
