/// Reads the account files of a host directly, with no subprocess, through the host's
/// `RootedFileSystem`: no symlink is followed at any path component, and every file must be
/// a regular file (a symlinked `/etc/shadow` is refused rather than read).
public struct AccountFiles: Sendable {
  /// The host's files.
  public let fs: RootedFileSystem
  /// Tables parsed before in the same observation; nil: every call reads its file.
  private let cache: AccountTableCache?

  /// The largest account file reconcile reads (16 MiB).
  public static let sizeLimit = 16 << 20

  /// Reads the files of the host behind `fs`, each time they are asked for.
  public init(fs: RootedFileSystem) {
    self.fs = fs
    cache = nil
  }

  /// Reads the files of `host`; while the engine observes it, `/etc/passwd` and `/etc/group`
  /// are parsed once for every plugin (`Host.accountTables`).
  public init(host: Host) {
    fs = host.fs
    cache = host.accountTables
  }

  /// `/etc/passwd`.
  public func passwd() throws(AccountFileError) -> AccountTable<PasswdEntry> { try table() }
  /// `/etc/group`.
  public func group() throws(AccountFileError) -> AccountTable<GroupEntry> { try table() }
  /// `/etc/shadow`: names and lock state only.
  public func shadow() throws(AccountFileError) -> AccountTable<ShadowEntry> { try table() }
  /// `/etc/gshadow`: names, administrators and members only.
  public func gshadow() throws(AccountFileError) -> AccountTable<GshadowEntry> { try table() }

  /// `/etc/login.defs`; Debian's defaults when the file is absent.
  public func loginDefs() throws(AccountFileError) -> LoginDefs {
    guard let bytes = try read("/etc/login.defs") else { return .debianDefaults }
    return LoginDefs.parse(bytes)
  }

  /// All account files at once.
  public func read() throws(AccountFileError) -> AccountDatabase {
    AccountDatabase(
      passwd: try passwd(), group: try group(), shadow: try shadow(), gshadow: try gshadow(),
      loginDefs: try loginDefs())
  }

  private func table<Entry>() throws(AccountFileError) -> AccountTable<Entry> {
    guard let cache else { return try parse() }
    return try cache.table(parse)
  }

  private func parse<Entry>() throws(AccountFileError) -> AccountTable<Entry> {
    guard let bytes = try read(Entry.file) else { return .missing }
    return AccountTable.parse(bytes)
  }

  /// The bytes of `file` (absolute within the root), `nil` when it does not exist.
  public func read(_ file: String) throws(AccountFileError) -> [UInt8]? {
    guard let path = HostPath(file) else {
      throw AccountFileError(root: fs.root, file: file, reason: "it is not a valid path")
    }
    do {
      return try fs.read(path, limit: Self.sizeLimit)
    } catch let error as FileSystemError {
      throw AccountFileError(root: fs.root, file: file, reason: error.reason)
    } catch {
      throw AccountFileError(root: fs.root, file: file, reason: "\(error)")
    }
  }
}

/// The account files of one host root, parsed.
public struct AccountDatabase: Sendable {
  /// `/etc/passwd`.
  public var passwd: AccountTable<PasswdEntry>
  /// `/etc/group`.
  public var group: AccountTable<GroupEntry>
  /// `/etc/shadow` (names and lock state).
  public var shadow: AccountTable<ShadowEntry>
  /// `/etc/gshadow` (names and members).
  public var gshadow: AccountTable<GshadowEntry>
  /// `/etc/login.defs`.
  public var loginDefs: LoginDefs

  /// Every problem found in any of the files.
  public var problems: [Diagnostic] {
    passwd.problems + group.problems + shadow.problems + gshadow.problems + loginDefs.problems
  }

  /// The groups `user` is a supplementary member of, in `/etc/group` order.
  public func supplementaryGroups(of user: String) -> [String] {
    group.entries.filter { $0.members.contains(user) }.map(\.name)
  }
}
