import Core

extension EmailPlugin {
  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    switch try change.payload(as: EmailPayload.self) {
    case .script(let path, let contents?):
      let bytes = Array(contents.utf8)
      try host.fs.write(path, bytes, mode: Self.scriptMode)
      let created = ledger[change.address]?.created ?? (change.cause != .adoption)
      ledger[change.address] = scriptEntry(
        EmailFingerprint.of(bytes, mode: Self.scriptMode, uid: 0, gid: 0), created: created)
      return nil
    case .script(let path, nil):
      try host.fs.remove(path)
      try host.fs.removeFolderIfEmpty(path.parent)
      ledger[change.address] = nil
      return nil
    }
  }
}
