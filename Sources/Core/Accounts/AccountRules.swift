/// The rules a declared user or group must follow before reconcile asks shadow-utils to
/// create or change it. Each rule returns one sentence saying what is wrong, or `nil`.
///
/// Sources: useradd(8) "CAVEATS" (names), passwd(5) and group(5) (fields), systemd's
/// "Users, Groups, UIDs and GIDs on systemd Systems" (UIDS-GIDS.md: reserved ranges).
public enum AccountRules {
  /// Whether a rule is about a user (UID) or a group (GID).
  public enum Kind: String, Sendable {
    case user, group

    var id: String { self == .user ? "UID" : "GID" }
  }

  /// A range of IDs that no declared account may take, with why.
  public struct ReservedRange: Sendable, Hashable {
    /// The IDs.
    public var ids: ClosedRange<UInt32>
    /// Who owns them, as a noun phrase: `systemd-homed's range`.
    public var owner: String
  }

  /// IDs reserved by the system: root, nobody, the invalid IDs and systemd's ranges.
  public static let reserved: [ReservedRange] = [
    ReservedRange(ids: 0...0, owner: "root"),
    ReservedRange(ids: 60001...60513, owner: "systemd-homed's range 60001-60513"),
    ReservedRange(ids: 61184...65519, owner: "systemd's DynamicUser= range 61184-65519"),
    ReservedRange(ids: 65534...65534, owner: "nobody"),
    ReservedRange(ids: 65535...65535, owner: "the invalid ID 65535 ((uint16_t) -1)"),
    ReservedRange(
      ids: 524288...1_879_048_191, owner: "systemd-nspawn's container range 524288-1879048191"),
    ReservedRange(ids: UInt32.max...UInt32.max, owner: "the invalid ID 4294967295 ((uid_t) -1)"),
  ]

  /// The name is in the safe subset `^[a-z_][a-z0-9_-]{0,31}$` (which excludes `:`, `/`,
  /// newlines, a leading `-` and all-digit names).
  public static func nameProblem(_ name: String, kind: Kind) -> String? {
    let bytes = Array(name.utf8)
    if bytes.isEmpty { return "the \(kind.rawValue) name is empty" }
    if bytes.count > 32 {
      return "the \(kind.rawValue) name '\(printable(name))' is \(bytes.count) characters long; "
        + "the limit is 32"
    }
    let lower = { (b: UInt8) in b >= 0x61 && b <= 0x7A }
    let digit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
    guard lower(bytes[0]) || bytes[0] == 0x5F else {
      return "the \(kind.rawValue) name '\(printable(name))' must start with a lowercase letter "
        + "or '_'"
    }
    if let bad = bytes.first(where: { !(lower($0) || digit($0) || $0 == 0x5F || $0 == 0x2D) }) {
      return "the \(kind.rawValue) name '\(printable(name))' contains "
        + "\(describe(bad)); only lowercase letters, digits, '_' and '-' are allowed"
    }
    return nil
  }

  /// A passwd or group field (`comment`, `home`, `shell`, a member) holds no `:` and no
  /// newline, which would split or add a line of the file.
  public static func fieldProblem(_ value: String, field: String) -> String? {
    if value.utf8.contains(0x3A) {
      return "the \(field) '\(printable(value))' contains ':', which separates fields in the "
        + "account files"
    }
    if value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
      return "the \(field) '\(printable(value))' contains a line break"
    }
    if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
      return "the \(field) '\(printable(value))' contains a control character"
    }
    return nil
  }

  /// A home directory or shell is an absolute path with no `:` or line break.
  public static func pathProblem(_ value: String, field: String) -> String? {
    if let problem = fieldProblem(value, field: field) { return problem }
    guard value.hasPrefix("/") else {
      return "the \(field) '\(printable(value))' is not an absolute path"
    }
    return nil
  }

  /// The ID is outside every reserved range.
  public static func reservedIDProblem(_ id: UInt32, kind: Kind) -> String? {
    guard let range = reserved.first(where: { $0.ids.contains(id) }) else { return nil }
    return "\(kind.id) \(id) is reserved for \(range.owner)"
  }

  /// A system account's fixed ID lies in SYS_UID_MIN...SYS_UID_MAX (SYS_GID_* for groups) of
  /// `/etc/login.defs`.
  public static func systemRangeProblem(_ id: UInt32, kind: Kind, loginDefs: LoginDefs)
    -> String?
  {
    systemRangeProblem(
      id, kind: kind, range: kind == .user ? loginDefs.systemUIDs : loginDefs.systemGIDs)
  }

  /// A system account's fixed ID lies in `range`, the system range of `/etc/login.defs`.
  public static func systemRangeProblem(_ id: UInt32, kind: Kind, range: ClosedRange<UInt32>)
    -> String?
  {
    guard !range.contains(id) else { return nil }
    let prefix = kind == .user ? "SYS_UID" : "SYS_GID"
    return "\(kind.id) \(id) of a system \(kind.rawValue) is outside \(prefix)_MIN...\(prefix)_MAX "
      + "(\(range.lowerBound)...\(range.upperBound)) of /etc/login.defs"
  }

  /// No other account (`name`, `id`) already holds the ID `id` wanted by `name`.
  ///
  /// `others` are the existing or other declared accounts; an entry with the same name is the
  /// account itself and is not a conflict.
  public static func duplicateIDProblem(
    _ id: UInt32, of name: String, kind: Kind, others: [(name: String, id: UInt32)]
  ) -> String? {
    guard let other = others.first(where: { $0.id == id && $0.name != name }) else { return nil }
    return "\(kind.id) \(id) of \(kind.rawValue) '\(name)' is already taken by "
      + "\(kind.rawValue) '\(other.name)'"
  }

  /// An existing account keeps its ID: a declared change of ID is refused.
  public static func changedIDProblem(
    name: String, kind: Kind, existing: UInt32, declared: UInt32
  ) -> String? {
    guard existing != declared else { return nil }
    return "\(kind.rawValue) '\(name)' has \(kind.id) \(existing) on the host but \(declared) is "
      + "declared; reconcile never changes an existing \(kind.id) (files owned by it would be "
      + "orphaned)"
  }

  /// `value` with control characters shown as escapes, so a message stays on one line.
  static func printable(_ value: String) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  private static func describe(_ byte: UInt8) -> String {
    switch byte {
    case 0x3A: return "':'"
    case 0x2F: return "'/'"
    case 0x0A: return "a line break"
    case 0x20: return "a space"
    case 0x41...0x5A: return "the uppercase letter '\(Character(Unicode.Scalar(byte)))'"
    case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
    default: return "a character outside ASCII letters and digits"
    }
  }
}
