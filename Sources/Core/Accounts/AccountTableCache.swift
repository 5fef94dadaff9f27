/// `/etc/passwd` and `/etc/group` parsed once for all the plugins observing a host: the users,
/// subids, units, podman and email plugins each read them, and at thousands of accounts a
/// parse is a few percent of a run and makes thousands of objects. Only for reading a host
/// that does not change meanwhile: the engine gives one to the observations of a plan
/// (`Host.accountTables`); applying reads the files afresh. Files holding secrets are never
/// kept.
public final class AccountTableCache: Sendable {
  private let tables = Locked<[ObjectIdentifier: any Sendable]>([:])

  public init() {}

  /// The table `read` gives, read on the first call for its kind of entry only.
  func table<Entry: AccountEntry>(
    _ read: () throws(AccountFileError) -> AccountTable<Entry>
  ) throws(AccountFileError) -> AccountTable<Entry> {
    guard !Entry.isSecret else { return try read() }
    let key = ObjectIdentifier(Entry.self)
    if let kept = tables.read({ $0[key] }) as? AccountTable<Entry> { return kept }
    let table = try read()
    tables.update { $0[key] = table }
    return table
  }
}
