/// One line of `/etc/passwd` (passwd(5)), every field kept as written.
public struct PasswdEntry: AccountEntry, Codable {
  public static let file = "/etc/passwd"
  public static let fieldCount = 7
  public static let layout = "NAME:PASSWORD:UID:GID:COMMENT:HOME:SHELL"
  public static let isSecret = false

  /// The login name.
  public var name: String
  /// The password field, normally `x` (the hash lives in `/etc/shadow`).
  public var password: String
  /// The user ID.
  public var uid: UInt32
  /// The primary group ID.
  public var gid: UInt32
  /// The comment (GECOS) field.
  public var comment: String
  /// The home directory.
  public var home: String
  /// The login shell.
  public var shell: String

  /// Creates an entry from its fields.
  public init(
    name: String, password: String = "x", uid: UInt32, gid: UInt32, comment: String = "",
    home: String, shell: String
  ) {
    self.name = name
    self.password = password
    self.uid = uid
    self.gid = gid
    self.comment = comment
    self.home = home
    self.shell = shell
  }

  public init(fields: [Substring]) throws(AccountFieldError) {
    name = try AccountFieldError.name(fields)
    password = String(fields[1])
    uid = try AccountFieldError.id(fields, 2, "UID")
    gid = try AccountFieldError.id(fields, 3, "GID")
    comment = String(fields[4])
    home = String(fields[5])
    shell = String(fields[6])
  }

  /// The line as passwd(5) writes it, without the newline.
  public var line: String {
    [name, password, String(uid), String(gid), comment, home, shell].joined(separator: ":")
  }
}
