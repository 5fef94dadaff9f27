/// What reconcile keeps of one line of `/etc/shadow` (shadow(5)): the name and whether the
/// account is locked. The password hash is never kept, compared or printed.
public struct ShadowEntry: AccountEntry {
  public static let file = "/etc/shadow"
  public static let fieldCount = 9
  public static let layout =
    "NAME:PASSWORD:LASTCHANGE:MIN:MAX:WARN:INACTIVE:EXPIRE:RESERVED"
  public static let isSecret = true

  /// The login name.
  public var name: String
  /// The password field starts with `!`: `usermod -L` (or `passwd -l`) locked it.
  public var passwordLocked: Bool
  /// The password field holds a hash (after any `!`), rather than `*`, `!` or nothing.
  public var hasPassword: Bool
  /// The account expiration date in days since 1970-01-01, when set (`usermod -e`).
  public var expirationDay: Int?

  /// Creates an entry from what reconcile keeps.
  public init(name: String, passwordLocked: Bool, hasPassword: Bool, expirationDay: Int? = nil) {
    self.name = name
    self.passwordLocked = passwordLocked
    self.hasPassword = hasPassword
    self.expirationDay = expirationDay
  }

  public init(fields: [Substring]) throws(AccountFieldError) {
    name = try AccountFieldError.name(fields)
    let password = fields[1]
    passwordLocked = password.hasPrefix("!")
    let rest = password.drop { $0 == "!" }
    hasPassword = !(rest.isEmpty || rest.hasPrefix("*"))
    if fields[7].isEmpty {
      expirationDay = nil
    } else if let day = Int(fields[7]), day >= 0 {
      expirationDay = day
    } else {
      throw AccountFieldError(field: 7, "the expiration date is not a number of days")
    }
  }

  /// Locked the way `ShadowUtils.lock` locks: password locked and expired since 1970-01-02.
  public var isLocked: Bool { passwordLocked && (expirationDay ?? .max) <= 1 }
}
