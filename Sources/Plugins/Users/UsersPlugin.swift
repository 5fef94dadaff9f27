import Core

/// Users and groups: creates the accounts the repository declares through shadow-utils
/// (`useradd`, `groupadd`, `usermod`, `--prefix` for an offline root), reads the account files
/// directly to observe and plan, never changes an existing UID or GID, locks (by default) the
/// users it created that left the repository, and leaves every account it did not create alone
/// unless the repository adopts it.
///
///     groups:
///       debian-tor: { adopt: true, members: [bitcoin] }
///     users:
///       bitcoin: { home: /var/lib/bitcoin, comment: Bitcoin node, subids: true, linger: true }
///
/// It also creates, as system users with defaults, the users other plugins need
/// (`Contributions.accounts`), and passes on `subids:` and `linger:` to the subids and linger
/// plugins as `AccountRequirement`s. See docs/state-repo.md.
public struct UsersPlugin: Plugin {
  public init() {}

  public var name: String { "users" }
  public var sections: [String] { ["users", "groups"] }
}
