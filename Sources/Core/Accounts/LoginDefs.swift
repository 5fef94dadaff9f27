/// The ID ranges of `/etc/login.defs` (login.defs(5)) that account validation needs, with
/// Debian's defaults for keys that are absent.
public struct LoginDefs: Sendable, Hashable {
  /// Every `KEY VALUE` setting of the file, as written.
  public let settings: [String: String]
  /// Lines that do not parse and numeric values that are not numbers, with file and line.
  public let problems: [Diagnostic]

  /// The file as Debian 12 ships it when absent: no settings, every default.
  public static let debianDefaults = LoginDefs(settings: [:], problems: [])

  /// Debian's defaults (the commented-out values of Debian 12's login.defs). shadow-utils'
  /// own built-in SYS_UID_MIN is 101; Debian documents and adduser uses 100.
  static let defaults: [String: UInt32] = [
    "SYS_UID_MIN": 100, "SYS_UID_MAX": 999, "UID_MIN": 1000, "UID_MAX": 60000,
    "SYS_GID_MIN": 100, "SYS_GID_MAX": 999, "GID_MIN": 1000, "GID_MAX": 60000,
  ]

  init(settings: [String: String], problems: [Diagnostic]) {
    self.settings = settings
    self.problems = problems
  }

  /// Parses the text of `/etc/login.defs`.
  public static func parse(_ bytes: [UInt8]) -> LoginDefs {
    let file = "/etc/login.defs"
    var settings: [String: String] = [:]
    var problems: [Diagnostic] = []
    let lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    for (index, raw) in lines.enumerated() {
      let line = raw.drop { $0 == " " || $0 == "\t" }
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
      let key = String(parts[0])
      let value = parts.count > 1 ? String(parts[1].trimmingBlanks()) : ""
      // parts[1] starts after the first blank; the rest of the separating blanks are trimmed.
      let position = SourcePosition(file: file, line: index + 1, column: raw.count - line.count + 1)
      if defaults[key] != nil, number(value) == nil {
        problems.append(
          .error(
            "\(key) is '\(value)', not a number; using \(defaults[key]!)",
            at: position, code: "malformed-login-defs"))
        continue
      }
      settings[key] = value
    }
    return LoginDefs(settings: settings, problems: problems)
  }

  /// The numeric value of `key`, or Debian's default.
  public func value(_ key: String) -> UInt32? {
    settings[key].flatMap(LoginDefs.number) ?? LoginDefs.defaults[key]
  }

  /// UIDs `useradd --system` allocates from: SYS_UID_MIN...SYS_UID_MAX.
  public var systemUIDs: ClosedRange<UInt32> { range("SYS_UID_MIN", "SYS_UID_MAX") }
  /// GIDs `groupadd --system` allocates from: SYS_GID_MIN...SYS_GID_MAX.
  public var systemGIDs: ClosedRange<UInt32> { range("SYS_GID_MIN", "SYS_GID_MAX") }
  /// UIDs of regular users: UID_MIN...UID_MAX.
  public var regularUIDs: ClosedRange<UInt32> { range("UID_MIN", "UID_MAX") }
  /// GIDs of regular groups: GID_MIN...GID_MAX.
  public var regularGIDs: ClosedRange<UInt32> { range("GID_MIN", "GID_MAX") }

  private func range(_ low: String, _ high: String) -> ClosedRange<UInt32> {
    let a = value(low)!
    let b = value(high)!
    return min(a, b)...max(a, b)
  }

  /// Parses a number the way shadow-utils' `getdef_ulong` does (`strtoul` base 0: decimal,
  /// `0x` hexadecimal, leading-`0` octal).
  static func number(_ text: String) -> UInt32? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt32(text.dropFirst(2), radix: 16) }
    if text.count > 1, text.hasPrefix("0") { return UInt32(text.dropFirst(), radix: 8) }
    return UInt32(text, radix: 10)
  }
}

extension Substring {
  fileprivate func trimmingBlanks() -> Substring {
    var s = self.drop { $0 == " " || $0 == "\t" }
    while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
    return s
  }
}
