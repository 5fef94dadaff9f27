import Core

extension UsersPlugin {
  /// How long to wait for a user manager to stop.
  static let stopTimeout = 90.0

  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    var payload = try change.payload(as: AccountPayload.self)
    let tools = ShadowUtils(root: host.fs.root)
    let runner = ShadowUtilsRunner()
    var note: String?
    switch payload.step {
    case .addGroup(let name, let planned, let system):
      let gid: UInt32
      do {
        gid = try addGroup(name, gid: planned, system: system, host: host, ledger: ledger)
      } catch let error as IDClashError {
        if error.made, let id = error.id { record(&payload, moved: planned, to: id, "gid", ledger: &ledger, change) }
        throw error
      }
      if gid != planned {
        payload.moveID(from: planned, to: gid, kind: "gid")
        note = "GID \(planned) was taken meanwhile; the group has GID \(gid)"
      }
    case .adoptGroup:
      break
    case .deleteGroup(let name):
      if try AccountFiles(fs: host.fs).group().entry(named: name) != nil {
        try runner.run(tools.deleteGroup(name))
      } else {
        note = "group \(name) was already gone (userdel removes a user's own group)"
      }
    case .addUser(let user):
      let uid: UInt32?
      do {
        uid = try addUser(user, host: host, ledger: ledger)
      } catch let error as IDClashError {
        if error.made, let id = error.id, let planned = user.uid {
          record(&payload, moved: planned, to: id, "uid", ledger: &ledger, change)
        }
        throw error
      }
      if let planned = user.uid, let uid, uid != planned {
        payload.moveID(from: planned, to: uid, kind: "uid")
        note = "UID \(planned) was taken meanwhile; the user has UID \(uid)"
      }
    case .modifyUser(let name, let changes, let unlock):
      if let command = tools.modifyUser(name, changes) { try runner.run(command) }
      if unlock { try runner.run(tools.unlock(name)) }
    case .lockUser(let name, let uid):
      try runner.run(tools.lock(name))
      if let systemd = host.systemd, let unit = UnitName("user@\(uid).service") {
        let result = try systemd.stop(unit, timeout: Self.stopTimeout)
        note = "stopped \(unit) (\(result))"
      }
    case .deleteUser(let name, let removeHome):
      try runner.run(tools.deleteUser(name, removeHome: removeHome))
    }
    ledger[change.address] = payload.record
    if !payload.remember.isEmpty {
      ledger.memory[name, default: [:]].merge(payload.remember) { $1 }
    }
    return note
  }

  /// Records an account that was made although its change fails (it shares an ID with one
  /// made meanwhile): it is reconcile's, and the next run must know it.
  private func record(
    _ payload: inout AccountPayload, moved planned: UInt32, to id: UInt32, _ kind: String,
    ledger: inout Ledger, _ change: Change
  ) {
    payload.moveID(from: planned, to: id, kind: kind)
    ledger[change.address] = payload.record
    ledger.memory[name, default: [:]].merge(payload.remember) { $1 }
  }
}
