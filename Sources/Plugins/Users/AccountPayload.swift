import Core

/// How the users plugin applies one change; carried in `Change.payload`.
struct AccountPayload: Codable, Sendable {
  /// The shadow-utils work.
  enum Step: Codable, Sendable {
    /// `groupadd [--system] -g GID -- NAME`.
    case addGroup(name: String, gid: UInt32, system: Bool)
    /// Nothing on the host: the ledger records that reconcile now manages the group.
    case adoptGroup(name: String)
    /// `groupdel -- NAME`, unless it is gone already (userdel removes a user's own group).
    case deleteGroup(name: String)
    /// `useradd ... -u UID -- NAME`.
    case addUser(ShadowUtils.NewUser)
    /// `usermod ...` with what differs, then `usermod -U -e ''` when the account is locked.
    case modifyUser(name: String, changes: ShadowUtils.UserChanges, unlock: Bool)
    /// `usermod -L -e 1 -- NAME`; on a live host also stops `user@UID.service`.
    case lockUser(name: String, uid: UInt32)
    /// `userdel [-r] -- NAME`.
    case deleteUser(name: String, removeHome: Bool)
  }

  var step: Step
  /// The ledger entry to record once the step succeeded; nil forgets the address.
  var record: Ledger.Entry?
  /// IDs to remember for good (`uid:N` or `gid:N` to the account name).
  var remember: [String: String] = [:]

  /// Records `id` instead of the planned `old` (`kind`: `uid` or `gid`), for an account that
  /// got another ID than the plan's.
  mutating func moveID(from old: UInt32, to id: UInt32, kind: String) {
    if var entry = record {
      entry.facts[kind] = String(id)
      if entry.applied == "\(kind)=\(old)" { entry.applied = "\(kind)=\(id)" }
      record = entry
    }
    if let name = remember.removeValue(forKey: "\(kind):\(old)") {
      remember["\(kind):\(id)"] = name
    }
  }
}
