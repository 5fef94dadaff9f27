import Core

extension EmailPlugin {
  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    switch try change.payload(as: EmailPayload.self) {
    case .script(let path, let contents?):
      let bytes = Array(contents.utf8)
      try host.fs.write(path, bytes, mode: Self.scriptMode)
      let created = ledger[change.address]?.created ?? (change.cause != .adoption)
      ledger[change.address] = scriptEntry(
        path, EmailFingerprint.of(bytes, mode: Self.scriptMode, uid: 0, gid: 0), created: created)
      return nil
    case .script(let path, nil):
      try host.fs.remove(path)
      try host.fs.removeFolderIfEmpty(path.parent)
      ledger[change.address] = nil
      return nil
    case .spool(let path, let user?):
      let accounts = AccountFiles(fs: host.fs)
      guard let uid = try accounts.passwd().entry(named: user)?.uid else {
        throw SpoolError(path: path, reason: "the user \(user) does not exist")
      }
      guard let gid = try accounts.group().entry(named: Self.userName)?.gid else {
        throw SpoolError(path: path, reason: "the group \(Self.userName) does not exist")
      }
      try host.fs.makeFolder(path, mode: Self.spoolMode, uid: uid, gid: gid)
      let created = ledger[change.address]?.created ?? (change.cause != .adoption)
      ledger[change.address] = spoolEntry(
        .init(user: user, path: path),
        EmailFingerprint.folder(mode: Self.spoolMode, user: user, group: Self.userName),
        created: created)
      return nil
    case .spool(let path, nil):
      // Reports no relay will mail any more. Removing a name never follows it.
      var kept = 0
      for entry in try host.fs.list(path) ?? [] {
        guard let child = path.appending(entry),
          let status = try host.fs.status(child), status.kind != .directory
        else {
          kept += 1
          continue
        }
        try host.fs.remove(child)
      }
      ledger[change.address] = nil
      guard kept == 0, try host.fs.removeFolderIfEmpty(path) else {
        return "kept \(path): it holds \(kept) folder(s) its user made"
      }
      try host.fs.removeFolderIfEmpty(path.parent)
      return nil
    }
  }
}

/// A spool folder could not be made.
struct SpoolError: Error, CustomStringConvertible {
  var path: HostPath
  var reason: String
  var description: String { "cannot make the failure-email spool folder \(path): \(reason)" }
}
