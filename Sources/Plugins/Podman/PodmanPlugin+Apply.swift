import Core

extension PodmanPlugin {
  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    switch try change.payload(as: PodmanPayload.self) {
    case .configuration(let contents, let created):
      let bytes = Array(contents.utf8)
      try host.fs.write(Self.configurationPath, bytes, mode: 0o644)
      let fingerprint = "sha256:" + SHA256.hex(bytes)
      ledger[change.address] = Ledger.Entry(
        plugin: name, applied: fingerprint, declared: fingerprint, created: created)
      return nil

    case .migrate(let user):
      let session = try self.session(of: user, host: host)
      try session.check([ContainerUnit.podman, "system", "migrate"], timeout: Self.commandTimeout)
      return nil

    case .load(let container, let user, let image, let archive):
      let doing = "loading \(archive.path) for container '\(container)'"
      guard let tree = archives.tree(of: archive.fingerprint) else {
        throw PodmanError(
          doing: doing,
          reason:
            "this run did not read the archive (a plan saved elsewhere?); plan and apply in one run"
        )
      }
      let session = try self.session(of: user, host: host)
      // Read now, and only now: a no-op run never reads an archive. Settled, so that the
      // identity recorded with the fingerprint can be trusted by the next runs.
      let (bytes, file): ([UInt8], FileFingerprint)
      do {
        (bytes, file) = try tree.contentsAndFingerprint(
          of: archive.path, limit: Self.archiveLimit, settle: true)
      } catch {
        throw PodmanError(doing: doing, reason: "cannot read it: \(error)")
      }
      guard file.sha256 == archive.fingerprint else {
        throw PodmanError(
          doing: doing,
          reason:
            "it changed since it was planned (\(archive.fingerprint), now \(file.sha256)); "
            + "nothing was loaded, the next run plans the new archive")
      }
      let output = try session.check(
        [ContainerUnit.podman, "load"], input: consume bytes, timeout: Self.commandTimeout)
      try verify(image, in: session, container: container, loaded: output)
      var record = imageRecord(
        change, ledger: ledger, user: user, image: image, applied: archive.fingerprint)
      record.facts.record(file, of: archive.path)
      ledger[change.address] = record
      return output.split(separator: "\n").last.map(String.init)

    case .pull(let container, let user, let image):
      let session = try self.session(of: user, host: host)
      try session.check(
        [ContainerUnit.podman, "pull", "--quiet", image], timeout: Self.commandTimeout)
      try verify(image, in: session, container: container, loaded: "")
      ledger[change.address] = imageRecord(
        change, ledger: ledger, user: user, image: image, applied: "pull \(image)")
      return nil

    case .removeVolume(let user, let volume, let containers):
      let session = try self.session(of: user, host: host)
      let note = try remove(["volume"], volume, in: session)
      Self.recordRemoval(of: .volume(volume), containers: containers, ledger: &ledger)
      return note

    case .removeImage(let user, let image, let containers):
      let session = try self.session(of: user, host: host)
      let note = try remove(["image"], image, in: session)
      Self.recordRemoval(of: .image, containers: containers, ledger: &ledger)
      return note
    }
  }

  /// `podman KIND rm NAME` as the user, when `podman KIND exists NAME` says it is there;
  /// a note when it was gone already.
  private func remove(_ kind: [String], _ name: String, in session: UserSession) throws
    -> String?
  {
    let exists = try session.run(
      [ContainerUnit.podman] + kind + ["exists", name], timeout: 60)
    guard exists.status == 0 else {
      // 1: no such volume or image; anything else is a failure of podman itself.
      guard exists.status == 1 else {
        throw UserCommandError(
          user: session.name, argv: [ContainerUnit.podman] + kind + ["exists", name],
          status: exists.status, detail: exists.errors)
      }
      return "\(name) was already gone"
    }
    try session.check(
      [ContainerUnit.podman] + kind + ["rm", name], timeout: Self.commandTimeout)
    return nil
  }

  private func imageRecord(
    _ change: Change, ledger: Ledger, user: String, image: String, applied: String
  )
    -> Ledger.Entry
  {
    Ledger.Entry(
      plugin: name, applied: applied, declared: applied,
      created: ledger[change.address]?.created ?? true,
      facts: ["user": user, "image": image])
  }

  /// Checks that the user's storage now has `image`.
  private func verify(_ image: String, in session: UserSession, container: String, loaded: String)
    throws
  {
    let exists = try session.run([ContainerUnit.podman, "image", "exists", image], timeout: 60)
    guard exists.status == 0 else {
      let names = loaded.split(separator: "\n").filter { $0.hasPrefix("Loaded image") }
      throw PodmanError(
        doing: "providing the image of container '\(container)'",
        reason: "\(image) is not in the storage of \(session.name) afterwards"
          + (names.isEmpty ? "" : " (the archive held: \(names.joined(separator: "; ")))"))
    }
  }

  /// The user's session, once its runtime folder exists (logind creates it when linger is
  /// enabled, a moment later).
  private func session(of user: String, host: Host) throws -> UserSession {
    guard host.fs.root == "/" else {
      throw PodmanError(
        doing: "running podman as \(user)", reason: "podman runs only on the host itself (--root /)"
      )
    }
    guard let entry = try AccountFiles(fs: host.fs).passwd().entry(named: user) else {
      throw PodmanError(
        doing: "running podman as \(user)", reason: "there is no such user in /etc/passwd")
    }
    let session = UserSession(entry)
    let runtime = HostPath(session.runtimeDirectory)!
    let ready = try Polling.until(timeout: 30) { try host.fs.status(runtime) != nil ? true : nil }
    guard ready != nil else {
      throw PodmanError(
        doing: "running podman as \(user)",
        reason:
          "\(runtime) did not appear within 30 s (does \(user) linger? loginctl user-status "
          + "\(user))"
      )
    }
    return session
  }
}

/// A podman step failed.
struct PodmanError: Error, CustomStringConvertible {
  var doing: String
  var reason: String
  var description: String { "while \(doing): \(reason)" }
}
