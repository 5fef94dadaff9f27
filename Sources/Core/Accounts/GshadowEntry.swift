/// What reconcile keeps of one line of `/etc/gshadow` (gshadow(5)): the name, administrators
/// and members. The group password is never kept.
public struct GshadowEntry: AccountEntry {
  public static let file = "/etc/gshadow"
  public static let fieldCount = 4
  public static let layout = "NAME:PASSWORD:ADMINISTRATORS:MEMBERS"
  public static let isSecret = true

  /// The group name.
  public var name: String
  /// The group administrators.
  public var administrators: [String]
  /// The supplementary members, in file order.
  public var members: [String]

  /// Creates an entry.
  public init(name: String, administrators: [String] = [], members: [String] = []) {
    self.name = name
    self.administrators = administrators
    self.members = members
  }

  public init(fields: [Substring]) throws(AccountFieldError) {
    name = try AccountFieldError.name(fields)
    administrators = AccountFieldError.list(fields[2])
    members = AccountFieldError.list(fields[3])
  }
}
