/// Builds the shadow-utils command lines that change users and groups of one host root.
///
/// shadow-utils locks the account files, keeps `-` backups, replaces the files atomically
/// with their owner and mode, and flushes nscd/sssd caches; reconcile never writes
/// `/etc/passwd`, `/etc/group`, `/etc/shadow` or `/etc/gshadow` itself.
///
/// For a root other than `/` every command gets `--prefix ROOT` (shadow 4.13: useradd,
/// usermod, userdel, groupadd, groupdel, groupmod). `--prefix` edits `ROOT/etc/*` and reads
/// `ROOT/etc/login.defs` without chrooting, so the host's own binaries work on a bare
/// directory. `--root` (`-R`) would chroot into ROOT and need the tools and their libraries
/// inside it. gpasswd has only `--root` (`-Q`), so memberships go through `usermod -a -G` and
/// `usermod -r -G`, which update `/etc/group` and `/etc/gshadow` the same way.
/// Every name follows `--`, so nothing after it is read as an option.
///
/// Locking, as seen with strace on Debian 12: on `/` the tools take glibc's `lckpwdf` lock
/// (`fcntl(F_SETLKW)` on `/etc/.pwd.lock`); with `--prefix` they take only the per-file link
/// locks `ROOT/etc/passwd.lock`, `group.lock`, `shadow.lock`, `gshadow.lock` (and
/// `subuid.lock`/`subgid.lock`), so anything else writing an offline root must honour those.
public struct ShadowUtils: Sendable {
  /// The host root, absolute; `/` for the live host.
  public let root: String

  /// Builds commands for the host under `root` (an absolute path).
  public init(root: String) {
    precondition(root.hasPrefix("/"), "the host root must be an absolute path, not '\(root)'")
    var normalized = root
    while normalized.count > 1, normalized.hasSuffix("/") { normalized.removeLast() }
    self.root = normalized
  }

  /// What a new user looks like.
  public struct NewUser: Sendable, Hashable, Codable {
    /// The login name.
    public var name: String
    /// A system account (`--system`: UID from SYS_UID_MIN...SYS_UID_MAX, no aging, no
    /// subordinate IDs) or a login account.
    public var system: Bool
    /// The primary group, which must exist; `nil` creates a group named after the user (`-U`).
    public var primaryGroup: String?
    /// Supplementary groups, which must exist.
    public var groups: [String]
    /// The home directory.
    public var home: String
    /// The login shell.
    public var shell: String
    /// The comment (GECOS) field.
    public var comment: String
    /// A fixed UID, or `nil` to let useradd pick the first free one.
    public var uid: UInt32?
    /// Whether useradd creates the home directory (`-m`) or not (`-M`).
    public var createHome: Bool

    /// Describes a new user; system users default to `/usr/sbin/nologin`.
    public init(
      name: String, system: Bool, primaryGroup: String? = nil, groups: [String] = [],
      home: String, shell: String? = nil, comment: String = "", uid: UInt32? = nil,
      createHome: Bool = false
    ) {
      self.name = name
      self.system = system
      self.primaryGroup = primaryGroup
      self.groups = groups
      self.home = home
      self.shell = shell ?? (system ? "/usr/sbin/nologin" : "/bin/bash")
      self.comment = comment
      self.uid = uid
      self.createHome = createHome
    }
  }

  /// What to change on an existing user; `nil` fields stay as they are.
  public struct UserChanges: Sendable, Hashable, Codable {
    /// A new login shell (`-s`).
    public var shell: String?
    /// A new home directory (`-d`; the old one is not moved).
    public var home: String?
    /// A new comment (`-c`).
    public var comment: String?
    /// A new primary group (`-g`).
    public var primaryGroup: String?
    /// The complete new list of supplementary groups (`-G`, replacing the old list).
    public var groups: [String]?

    /// Describes changes.
    public init(
      shell: String? = nil, home: String? = nil, comment: String? = nil,
      primaryGroup: String? = nil, groups: [String]? = nil
    ) {
      self.shell = shell
      self.home = home
      self.comment = comment
      self.primaryGroup = primaryGroup
      self.groups = groups
    }
  }

  /// `groupadd [--system] [-g GID] -- NAME`.
  public func addGroup(_ name: String, gid: UInt32? = nil, system: Bool) -> ShadowCommand {
    var arguments: [String] = []
    if system { arguments.append("--system") }
    if let gid { arguments += ["-g", String(gid)] }
    return command("groupadd", arguments, name)
  }

  /// Moves a group to another GID: `groupmod -g GID -- NAME`.
  public func changeGroupID(_ name: String, to gid: UInt32) -> ShadowCommand {
    command("groupmod", ["-g", String(gid)], name)
  }

  /// Moves a user to another UID (usermod also gives the files of its home the new owner):
  /// `usermod -u UID -- NAME`.
  public func changeUserID(_ name: String, to uid: UInt32) -> ShadowCommand {
    command("usermod", ["-u", String(uid)], name)
  }

  /// `groupdel -- NAME`.
  public func deleteGroup(_ name: String) -> ShadowCommand {
    command("groupdel", [], name)
  }

  /// `useradd --system|... -g GROUP -G GROUPS -d HOME -s SHELL -c COMMENT [-u UID] -M|-m NAME`.
  ///
  /// Login users get `-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0`: useradd would otherwise give them
  /// subordinate IDs of its own choosing, and reconcile's allocator owns those ranges.
  public func addUser(_ user: NewUser) -> ShadowCommand {
    var arguments: [String] = []
    if user.system {
      arguments.append("--system")
    } else {
      arguments += ["-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"]
    }
    if let group = user.primaryGroup {
      arguments += ["-g", group]
    } else {
      arguments.append("-U")
    }
    if !user.groups.isEmpty { arguments += ["-G", user.groups.joined(separator: ",")] }
    arguments += ["-d", user.home, "-s", user.shell, "-c", user.comment]
    if let uid = user.uid { arguments += ["-u", String(uid)] }
    arguments.append(user.createHome ? "-m" : "-M")
    return command("useradd", arguments, user.name)
  }

  /// `usermod [-s SHELL] [-d HOME] [-c COMMENT] [-g GROUP] [-G GROUPS] -- NAME`, or `nil` when
  /// nothing changes.
  public func modifyUser(_ name: String, _ changes: UserChanges) -> ShadowCommand? {
    var arguments: [String] = []
    if let shell = changes.shell { arguments += ["-s", shell] }
    if let home = changes.home { arguments += ["-d", home] }
    if let comment = changes.comment { arguments += ["-c", comment] }
    if let group = changes.primaryGroup { arguments += ["-g", group] }
    if let groups = changes.groups { arguments += ["-G", groups.joined(separator: ",")] }
    if arguments.isEmpty { return nil }
    return command("usermod", arguments, name)
  }

  /// Adds `user` to the supplementary group `group`, keeping its other groups:
  /// `usermod -a -G GROUP -- USER` (what `gpasswd -a USER GROUP` does, but with `--prefix`).
  public func addMember(_ user: String, to group: String) -> ShadowCommand {
    command("usermod", ["-a", "-G", group], user)
  }

  /// Removes `user` from the supplementary group `group` only:
  /// `usermod -r -G GROUP -- USER` (what `gpasswd -d USER GROUP` does, but with `--prefix`).
  public func removeMember(_ user: String, from group: String) -> ShadowCommand {
    command("usermod", ["-r", "-G", group], user)
  }

  /// Locks the account: `usermod -L -e 1 -- NAME`. `-L` alone only locks the password;
  /// usermod(8) says to also expire the account so no other login method works.
  public func lock(_ name: String) -> ShadowCommand {
    command("usermod", ["-L", "-e", "1"], name)
  }

  /// Unlocks the account: `usermod -U -e '' -- NAME` (clears the expiry; a user that never had
  /// a password keeps `!`, and usermod says so on stderr without failing).
  public func unlock(_ name: String) -> ShadowCommand {
    command("usermod", ["-U", "-e", ""], name)
  }

  /// Adds subordinate ID ranges to `/etc/subuid` and `/etc/subgid` under the account files'
  /// lock: `usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST -- NAME`.
  public func addSubordinateIDs(
    _ name: String, uids: ClosedRange<UInt32>?, gids: ClosedRange<UInt32>?
  ) -> ShadowCommand? {
    var arguments: [String] = []
    if let uids { arguments += ["--add-subuids", "\(uids.lowerBound)-\(uids.upperBound)"] }
    if let gids { arguments += ["--add-subgids", "\(gids.lowerBound)-\(gids.upperBound)"] }
    if arguments.isEmpty { return nil }
    return command("usermod", arguments, name)
  }

  /// `userdel [-r] -- NAME`. The home directory (and mail spool) is removed only when
  /// `removeHome` is true, which needs its own explicit declaration.
  public func deleteUser(_ name: String, removeHome: Bool = false) -> ShadowCommand {
    command("userdel", removeHome ? ["-r"] : [], name)
  }

  private func command(_ program: String, _ arguments: [String], _ name: String) -> ShadowCommand {
    let prefix = root == "/" ? [] : ["--prefix", root]
    return ShadowCommand("/usr/sbin/\(program)", prefix + arguments + ["--", name])
  }
}
