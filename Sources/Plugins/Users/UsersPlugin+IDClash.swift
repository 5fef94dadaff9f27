import Core

/// New accounts whose planned ID was taken between the plan and the apply.
///
/// The plan picks the ID of a new account, so the plan can show it; `useradd`, `groupadd` and
/// `useradd -U` run by hand meanwhile can take it first. shadow-utils then refuses reconcile's
/// command (exit status 4), or, because `groupadd` checks a GID before it takes the account
/// lock, adds the group with a GID another group got in between. Both are caught here: the
/// account is made, or moved, with a fresh ID picked under the same rules as at plan time,
/// but from the other end of its range: `useradd` by hand takes the highest free system ID,
/// so a retry that did the same would race it again.
extension UsersPlugin {
  /// How many IDs an account tries before the change fails.
  static let idAttempts = 4
  /// The exit status of `useradd`/`groupadd`/`usermod`/`groupmod` for an ID in use.
  static let idInUse: Int32 = 4

  /// Adds the group `name` with `gid`, or a fresh GID when another group has it; the GID
  /// the group has in the end.
  func addGroup(_ name: String, gid: UInt32, system: Bool, host: Host, ledger: Ledger) throws
    -> UInt32
  {
    let tools = ShadowUtils(root: host.fs.root)
    var gid = gid
    var added = false
    for attempt in 1...Self.idAttempts {
      let retry = attempt < Self.idAttempts
      let command = added ? tools.changeGroupID(name, to: gid) : tools.addGroup(name, gid: gid, system: system)
      guard try Self.run(command, idMayBeTaken: retry) else {
        gid = try freshID(for: name, system: system, kind: .group, host: host, ledger: ledger)
        continue
      }
      added = true
      let shared = try AccountFiles(fs: host.fs).group().entries.contains {
        $0.gid == gid && $0.name != name
      }
      guard shared else { return gid }
      guard attempt < Self.idAttempts else { break }
      gid = try freshID(for: name, system: system, kind: .group, host: host, ledger: ledger)
    }
    throw IDClashError(account: name, kind: .group, id: gid, made: added)
  }

  /// Adds the user, with a fresh UID when another account has the planned one; the UID the
  /// user has in the end.
  func addUser(_ user: ShadowUtils.NewUser, host: Host, ledger: Ledger) throws -> UInt32? {
    let tools = ShadowUtils(root: host.fs.root)
    var user = user
    var added = false
    for attempt in 1...Self.idAttempts {
      let retry = attempt < Self.idAttempts
      let command =
        added ? tools.changeUserID(user.name, to: user.uid ?? 0) : tools.addUser(user)
      guard try Self.run(command, idMayBeTaken: retry) else {
        user.uid = try freshID(
          for: user.name, system: user.system, kind: .user, host: host, ledger: ledger)
        continue
      }
      added = true
      guard let uid = user.uid else { return nil }
      let shared = try AccountFiles(fs: host.fs).passwd().entries.contains {
        $0.uid == uid && $0.name != user.name
      }
      guard shared else { return uid }
      guard attempt < Self.idAttempts else { break }
      user.uid = try freshID(
        for: user.name, system: user.system, kind: .user, host: host, ledger: ledger)
    }
    throw IDClashError(account: user.name, kind: .user, id: user.uid ?? 0, made: added)
  }

  /// Runs `command`; false when it failed only because an ID is in use and `idMayBeTaken`.
  private static func run(_ command: ShadowCommand, idMayBeTaken: Bool) throws(ShadowUtilsError)
    -> Bool
  {
    do {
      _ = try ShadowUtilsRunner().run(command)
      return true
    } catch {
      if idMayBeTaken && error.status == idInUse { return false }
      throw error
    }
  }

  /// A free ID for `name` now, by the plan's rules (not in use, not given to another account
  /// before, not reserved, in the system or regular range of login.defs), searched from the
  /// end of the range the plan does not start from.
  private func freshID(
    for name: String, system: Bool, kind: AccountRules.Kind, host: Host, ledger: Ledger
  ) throws -> UInt32 {
    let database = try AccountFiles(fs: host.fs).read()
    let memory = ledger.memory[self.name] ?? [:]
    let range: ClosedRange<UInt32>
    var allocator: IDAllocator
    switch kind {
    case .user:
      range = system ? database.loginDefs.systemUIDs : database.loginDefs.regularUIDs
      allocator = IDAllocator(
        used: { database.passwd.entries.map(\.uid) }, memory: memory, prefix: "uid")
    case .group:
      range = system ? database.loginDefs.systemGIDs : database.loginDefs.regularGIDs
      allocator = IDAllocator(
        used: { database.group.entries.map(\.gid) }, memory: memory, prefix: "gid")
    }
    guard let id = allocator.allocate(for: name, in: range, system: !system, kind: kind) else {
      throw IDClashError(account: name, kind: kind, id: nil, made: false)
    }
    return id
  }
}

/// No ID could be found for a new account: every one tried was taken meanwhile, or the
/// range is full.
struct IDClashError: Error, CustomStringConvertible {
  var account: String
  var kind: AccountRules.Kind
  var id: UInt32?
  /// Whether the account was made (with the shared `id`): it is reconcile's all the same.
  var made: Bool

  var description: String {
    let what = kind == .user ? "user \(account)" : "group \(account)"
    guard let id else { return "no free ID is left for the \(what)" }
    return "the \(what) could not get an ID of its own: \(id) and the others tried were taken "
      + "by accounts made meanwhile"
  }
}
