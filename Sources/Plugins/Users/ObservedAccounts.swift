import Core

/// What the users plugin read from the host's account files (no password field is kept).
public struct ObservedAccounts: Sendable, Codable {
  /// Whether `/etc/passwd` and `/etc/group` exist: a root without them has no account database.
  public var hasDatabase: Bool
  /// `/etc/passwd`, in file order.
  public let users: [PasswdEntry]
  /// `/etc/group`, in file order.
  public let groups: [GroupEntry]
  /// Users whose account is locked the way reconcile locks (`usermod -L -e 1`).
  public var locked: Set<String>
  /// SYS_UID_MIN...SYS_UID_MAX and the other ranges of `/etc/login.defs`.
  public var systemUIDs: ClosedRange<UInt32>
  public var systemGIDs: ClosedRange<UInt32>
  public var regularUIDs: ClosedRange<UInt32>
  public var regularGIDs: ClosedRange<UInt32>
  /// Malformed lines of the account files.
  public var problems: [Diagnostic]

  /// Lookups by name and GID, built once: planning asks them for every declared account, and
  /// a linear search each time made a converged host's plan quadratic in its accounts. Not
  /// encoded: they are rebuilt when a snapshot is decoded.
  private var index = Index()

  private struct Index: Sendable {
    /// Position in `users` of the first entry of each name.
    var users: [String: Int] = [:]
    /// Position in `groups` of the first entry of each name.
    var groups: [String: Int] = [:]
    /// Position in `groups` of the first entry of each GID.
    var gids: [UInt32: Int] = [:]
    /// The groups each user is a listed member of, sorted.
    var memberships: [String: [String]] = [:]

    init() {}

    /// `byName`: the positions by name the account tables made while parsing, when the
    /// entries come from them (a snapshot's are indexed here).
    init(
      users: [PasswdEntry], groups: [GroupEntry],
      byName: (users: [String: Int], groups: [String: Int])? = nil
    ) {
      if let byName {
        self.users = byName.users
        self.groups = byName.groups
      } else {
        for (i, user) in users.enumerated() where self.users[user.name] == nil {
          self.users[user.name] = i
        }
        for (i, group) in groups.enumerated() where self.groups[group.name] == nil {
          self.groups[group.name] = i
        }
      }
      for (i, group) in groups.enumerated() {
        if gids[group.gid] == nil { gids[group.gid] = i }
        for member in Set(group.members) { memberships[member, default: []].append(group.name) }
      }
      for key in memberships.keys { memberships[key]!.sort() }
    }
  }

  private enum CodingKeys: String, CodingKey {
    case hasDatabase, users, groups, locked, systemUIDs, systemGIDs, regularUIDs, regularGIDs
    case problems
  }

  public init(
    hasDatabase: Bool, users: [PasswdEntry], groups: [GroupEntry], locked: Set<String>,
    systemUIDs: ClosedRange<UInt32>, systemGIDs: ClosedRange<UInt32>,
    regularUIDs: ClosedRange<UInt32>, regularGIDs: ClosedRange<UInt32>, problems: [Diagnostic]
  ) {
    self.init(
      hasDatabase: hasDatabase, users: users, groups: groups, locked: locked, systemUIDs: systemUIDs,
      systemGIDs: systemGIDs, regularUIDs: regularUIDs, regularGIDs: regularGIDs, problems: problems,
      byName: nil)
  }

  /// The accounts of parsed tables, indexed by name as the tables are.
  init(
    hasDatabase: Bool, users: [PasswdEntry], groups: [GroupEntry], locked: Set<String>,
    systemUIDs: ClosedRange<UInt32>, systemGIDs: ClosedRange<UInt32>,
    regularUIDs: ClosedRange<UInt32>, regularGIDs: ClosedRange<UInt32>, problems: [Diagnostic],
    byName: (users: [String: Int], groups: [String: Int])?
  ) {
    self.hasDatabase = hasDatabase
    self.users = users
    self.groups = groups
    self.locked = locked
    self.systemUIDs = systemUIDs
    self.systemGIDs = systemGIDs
    self.regularUIDs = regularUIDs
    self.regularGIDs = regularGIDs
    self.problems = problems
    index = Index(users: users, groups: groups, byName: byName)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      hasDatabase: try container.decode(Bool.self, forKey: .hasDatabase),
      users: try container.decode([PasswdEntry].self, forKey: .users),
      groups: try container.decode([GroupEntry].self, forKey: .groups),
      locked: try container.decode(Set<String>.self, forKey: .locked),
      systemUIDs: try container.decode(ClosedRange<UInt32>.self, forKey: .systemUIDs),
      systemGIDs: try container.decode(ClosedRange<UInt32>.self, forKey: .systemGIDs),
      regularUIDs: try container.decode(ClosedRange<UInt32>.self, forKey: .regularUIDs),
      regularGIDs: try container.decode(ClosedRange<UInt32>.self, forKey: .regularGIDs),
      problems: try container.decode([Diagnostic].self, forKey: .problems))
  }

  /// The user called `name`.
  public func user(_ name: String) -> PasswdEntry? { index.users[name].map { users[$0] } }
  /// Whether a user is called `name` (without copying its entry out).
  public func hasUser(_ name: String) -> Bool { index.users[name] != nil }
  /// The group called `name`.
  public func group(_ name: String) -> GroupEntry? { index.groups[name].map { groups[$0] } }
  /// Whether a group is called `name` (without copying its entry out).
  public func hasGroup(_ name: String) -> Bool { index.groups[name] != nil }
  /// The name of the group with `gid`, or `#GID` when there is none.
  public func groupName(_ gid: UInt32) -> String {
    index.gids[gid].map { groups[$0].name } ?? "#\(gid)"
  }
  /// The supplementary groups of `user`, sorted.
  public func supplementaryGroups(of user: String) -> [String] {
    index.memberships[user] ?? []
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
    let database = try AccountFiles(host: host).read()
    return ObservedAccounts(
      hasDatabase: database.passwd.exists && database.group.exists, users: database.passwd.entries,
      groups: database.group.entries,
      locked: Set(database.shadow.entries.filter(\.isLocked).map(\.name)),
      systemUIDs: database.loginDefs.systemUIDs, systemGIDs: database.loginDefs.systemGIDs,
      regularUIDs: database.loginDefs.regularUIDs, regularGIDs: database.loginDefs.regularGIDs,
      problems: database.problems, byName: (database.passwd.positions, database.group.positions))
  }
}
