import Core

extension EmailPlugin {
  public func observe(_ desired: DesiredEmail, ledger: Ledger, host: Host) throws -> ObservedEmail {
    var observed = ObservedEmail()
    var paths = Set(desired.scripts.map(\.path))
    var folders = Set(desired.spools.map(\.path))
    for (address, entry) in ledger.entries(of: name) {
      guard let path = entry.facts["path"].flatMap(HostPath.init) else { continue }
      if address.kind == "folder" { folders.insert(path) } else { paths.insert(path) }
    }
    for path in paths {
      guard let status = try host.fs.status(path) else { continue }
      switch status.kind {
      case .regular:
        let bytes = try host.fs.read(path) ?? []
        observed.files[path] = .init(
          fingerprint: EmailFingerprint.of(
            bytes, mode: status.mode, uid: status.uid, gid: status.gid),
          text: String(decoding: bytes, as: UTF8.self))
      case .symlink:
        observed.files[path] = .init(
          fingerprint: "symlink:" + (try host.fs.symlinkTarget(path) ?? ""), text: nil)
      default:
        observed.files[path] = .init(fingerprint: "other", text: nil)
      }
    }
    observed.folders = try observeFolders(folders, host: host)
    if desired.declared {
      if let config = desired.clientConfig, let status = try host.fs.status(config.value) {
        observed.clientConfig = .init(
          regular: status.kind == .regular, mode: status.mode, uid: status.uid)
      }
      if let client = desired.client, let status = try host.fs.status(client) {
        observed.client = .init(
          regular: status.kind != .directory, mode: status.mode, uid: status.uid)
      }
    }
    return observed
  }

  /// The spool folders: kind, mode and owner by name (IDs the account files do not know stay
  /// numbers), and how many entries each holds.
  private func observeFolders(_ paths: Set<HostPath>, host: Host) throws
    -> [HostPath: ObservedEmail.Folder]
  {
    guard !paths.isEmpty else { return [:] }
    let accounts = AccountFiles(host: host)
    let users = (try? accounts.passwd().entries) ?? []
    let groups = (try? accounts.group().entries) ?? []
    var result: [HostPath: ObservedEmail.Folder] = [:]
    for path in paths {
      guard let status = try host.fs.status(path) else { continue }
      switch status.kind {
      case .directory:
        let user = users.first { $0.uid == status.uid }?.name ?? String(status.uid)
        let group = groups.first { $0.gid == status.gid }?.name ?? String(status.gid)
        result[path] = .init(
          fingerprint: EmailFingerprint.folder(mode: status.mode, user: user, group: group),
          entries: (try host.fs.list(path))?.count ?? 0)
      case .symlink:
        result[path] = .init(
          fingerprint: "symlink:" + (try host.fs.symlinkTarget(path) ?? ""), entries: 0)
      default:
        result[path] = .init(fingerprint: "other", entries: 0)
      }
    }
    return result
  }
}
