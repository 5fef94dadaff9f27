import Core

/// Reads the account files of a host root (`/`, or a directory holding an offline host)
/// directly, with no subprocess.
///
/// Every file is opened without following symlinks, at every path component below the root,
/// and must be a regular file: a symlinked `/etc/shadow` is refused rather than read.
public struct AccountFiles: Sendable {
  /// The host root directory.
  public let root: String

  /// The largest account file reconcile reads (16 MiB).
  public static let sizeLimit = 16 << 20

  /// Reads the files under `root`.
  public init(root: String) { self.root = root }

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
    guard let bytes = try read(Entry.file) else { return .missing }
    return AccountTable.parse(bytes)
  }

  /// The bytes of `file` (absolute within the root), `nil` when it does not exist.
  ///
  /// Goes through Core's `DirectoryTree`, which opens each component with `O_NOFOLLOW`.
  /// TODO: read through Core's rooted host filesystem layer once it exists.
  public func read(_ file: String) throws(AccountFileError) -> [UInt8]? {
    let components = file.split(separator: "/").map(String.init)
    let tree = DirectoryTree(path: root)
    do {
      // Look each component up in its parent first: a missing one means no file, a symlink or
      // anything else unexpected is refused rather than read as "missing".
      for depth in components.indices {
        let parent = components[..<depth].joined(separator: "/")
        guard
          let entry = try tree.entries(of: parent)?.first(where: { $0.name == components[depth] })
        else { return nil }
        let last = depth == components.count - 1
        let expected: Set<TreeEntry.Kind> = last ? [.file, .executable] : [.directory]
        guard expected.contains(entry.kind) else {
          let path = "/" + components[...depth].joined(separator: "/")
          throw AccountFileError(
            root: root, file: file,
            reason: "\(path) is a \(entry.kind), not a \(last ? "regular file" : "directory")")
        }
      }
      return try tree.contents(of: components.joined(separator: "/"), limit: Self.sizeLimit)
    } catch let error as AccountFileError {
      throw error
    } catch {
      throw AccountFileError(root: root, file: file, reason: "\(error)")
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
