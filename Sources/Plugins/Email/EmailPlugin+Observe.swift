import Core

extension EmailPlugin {
  public func observe(_ desired: DesiredEmail, ledger: Ledger, host: Host) throws -> ObservedEmail {
    var observed = ObservedEmail()
    var paths: Set<HostPath> = desired.script == nil ? [] : [Self.scriptPath]
    for address in ledger.addresses(of: name) {
      if let path = ledger[address]?.facts["path"].flatMap(HostPath.init) { paths.insert(path) }
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
    if desired.script != nil {
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
}
