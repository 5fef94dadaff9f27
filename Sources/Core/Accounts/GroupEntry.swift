/// One line of `/etc/group` (group(5)), every field kept as written.
public struct GroupEntry: AccountEntry, Codable {
  public static let file = "/etc/group"
  public static let fieldCount = 4
  public static let layout = "NAME:PASSWORD:GID:MEMBERS"
  public static let isSecret = false

  /// The group name.
  public var name: String
  /// The password field, normally `x` (see `/etc/gshadow`).
  public var password: String
  /// The group ID.
  public var gid: UInt32
  /// The supplementary members, in file order.
  public var members: [String]

  /// Creates an entry from its fields.
  public init(name: String, password: String = "x", gid: UInt32, members: [String] = []) {
    self.name = name
    self.password = password
    self.gid = gid
    self.members = members
  }

  public init(fields: [Substring]) throws(AccountFieldError) {
    name = try AccountFieldError.name(fields)
    password = String(fields[1])
    gid = try AccountFieldError.id(fields, 2, "GID")
    members = AccountFieldError.list(fields[3])
  }

  /// The line as group(5) writes it, without the newline.
  public var line: String {
    [name, password, String(gid), members.joined(separator: ",")].joined(separator: ":")
  }
}
