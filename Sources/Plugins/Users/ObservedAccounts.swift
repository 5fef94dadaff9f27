import Core

/// What the users plugin read from the host's account files (no password field is kept).
public struct ObservedAccounts: Sendable, Codable {
  /// Whether `/etc/passwd` and `/etc/group` exist: a root without them has no account database.
  public var hasDatabase: Bool
  /// `/etc/passwd`, in file order.
  public var users: [PasswdEntry]
  /// `/etc/group`, in file order.
  public var groups: [GroupEntry]
  /// Users whose account is locked the way reconcile locks (`usermod -L -e 1`).
  public var locked: Set<String>
  /// SYS_UID_MIN...SYS_UID_MAX and the other ranges of `/etc/login.defs`.
  public var systemUIDs: ClosedRange<UInt32>
  public var systemGIDs: ClosedRange<UInt32>
  public var regularUIDs: ClosedRange<UInt32>
  public var regularGIDs: ClosedRange<UInt32>
  /// Malformed lines of the account files.
  public var problems: [Diagnostic]

  /// The user called `name`.
  public func user(_ name: String) -> PasswdEntry? { users.first { $0.name == name } }
  /// The group called `name`.
  public func group(_ name: String) -> GroupEntry? { groups.first { $0.name == name } }
  /// The name of the group with `gid`, or `#GID` when there is none.
  public func groupName(_ gid: UInt32) -> String {
    groups.first { $0.gid == gid }?.name ?? "#\(gid)"
  }
  /// The supplementary groups of `user`, sorted.
  public func supplementaryGroups(of user: String) -> [String] {
    groups.filter { $0.members.contains(user) }.map(\.name).sorted()
  }

  /// The managed attributes of an existing user, as `AccountState.describe` writes them.
  func state(of user: PasswdEntry) -> String {
    AccountState.describe(
      group: groupName(user.gid), groups: supplementaryGroups(of: user.name), home: user.home,
      shell: user.shell,
      comment: user.comment)
  }
}

extension UsersPlugin {
  public func observe(_ desired: DesiredAccounts, ledger: Ledger, host: Host) throws
    -> ObservedAccounts
  {
    let database = try AccountFiles(fs: host.fs).read()
    return ObservedAccounts(
      hasDatabase: database.passwd.exists && database.group.exists, users: database.passwd.entries,
      groups: database.group.entries,
      locked: Set(database.shadow.entries.filter(\.isLocked).map(\.name)),
      systemUIDs: database.loginDefs.systemUIDs, systemGIDs: database.loginDefs.systemGIDs,
      regularUIDs: database.loginDefs.regularUIDs, regularGIDs: database.loginDefs.regularGIDs,
      problems: database.problems)
  }
}
