import Core

/// The users and groups the repository declares for a host, validated as far as that is
/// possible without looking at the host.
public struct DesiredAccounts: Sendable {
  /// A declared group, or the primary group a user implies.
  public struct Group: Sendable {
    public var name: String
    /// A fixed GID, when declared.
    public var gid: UInt32?
    /// A system group (`groupadd --system`); true unless it is a login user's own group.
    public var system: Bool
    /// Take over the group when it already exists (and create it when it does not).
    public var adopt: Bool
    /// Declared members (users reconcile manages), for the plan's diff.
    public var members: [String]
    /// The user whose primary group this is, when the group is implied by that user.
    public var primaryOf: String?
    public var position: SourcePosition

    /// `group:NAME`.
    public var address: Address { Address("group", name) }
  }

  /// A declared user, or one another plugin needs.
  public struct User: Sendable {
    public var name: String
    /// A system user (`useradd --system`: UID from SYS_UID_MIN...SYS_UID_MAX).
    public var system: Bool
    public var home: String
    /// Whether useradd creates the home (`-m`); not for `/nonexistent`.
    public var createHome: Bool
    public var shell: String
    public var comment: String
    /// The primary group's name.
    public var primaryGroup: String
    /// Supplementary groups, sorted and without repeats: the user's `groups:` and the groups
    /// listing it as a member.
    public var groups: [String]
    /// A fixed UID, when declared.
    public var uid: UInt32?
    /// Take over the user when it already exists.
    public var adopt: Bool
    /// What happens when it leaves the repository.
    public var removal: RemovalPolicy
    /// Where it comes from: a repository file or a plugin.
    public var origin: String
    public var position: SourcePosition

    /// `user:NAME`.
    public var address: Address { Address("user", name) }

    /// What the declaration says, for the ledger: it tells a repository change from drift.
    var fingerprint: String {
      // Appended in place: made for every user on every run.
      var text = "uid="
      text.reserveCapacity(160)
      text += uid.map(String.init) ?? "auto"
      text += system ? " system=true " : " system=false "
      AccountState.describe(
        group: primaryGroup, groups: groups, home: home, shell: shell, comment: comment,
        into: &text)
      text += adopt ? " adopt=true remove=" : " adopt=false remove="
      text += removal.rawValue
      return text
    }
  }

  /// Groups by name (declared and implied).
  public var groups: [String: Group] = [:]
  /// Users, sorted by name.
  public var users: [User] = []

  /// The groups in order of name. Sorts the names, not the groups: a large host has thousands,
  /// and each is a large value.
  public var groupsByName: some Sequence<Group> {
    groups.keys.sorted().lazy.map { groups[$0]! }
  }
}

/// What happens to a user reconcile created when it leaves the repository.
public enum RemovalPolicy: String, Sendable, Codable, CaseIterable {
  /// Lock the account (`usermod -L -e 1`) and, on a live host, stop its user manager.
  case lock
  /// Delete the account (`userdel`), keeping its home.
  case delete
  /// Delete the account and its home (`userdel -r`).
  case deleteWithHome = "delete-with-home"
}

/// The fingerprints the users plugin compares and records.
enum AccountState {
  /// The managed attributes of a user, in one line.
  static func describe(
    group: String, groups: [String], home: String, shell: String, comment: String
  ) -> String {
    var text = ""
    describe(group: group, groups: groups, home: home, shell: shell, comment: comment, into: &text)
    return text
  }

  /// The same, appended to `text`.
  static func describe(
    group: String, groups: [String], home: String, shell: String, comment: String,
    into text: inout String
  ) {
    text += "group="
    text += group
    text += " groups="
    for (index, name) in groups.enumerated() {
      if index > 0 { text += "," }
      text += name
    }
    text += " home="
    text += home
    text += " shell="
    text += shell
    text += " comment="
    text += comment
  }

  /// What a locked user that left the repository looks like.
  static let locked = "locked"
}
