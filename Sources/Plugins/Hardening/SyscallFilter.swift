/// `SystemCallFilter=` as systemd 252 builds it from a unit's assignments
/// (`config_parse_syscall_filter()`, `seccomp_parse_syscall_filter()`).
///
/// The first non-empty assignment picks the mode: a list without `~` is an allow list that
/// starts from `@default`; one with `~` is a deny list. Later assignments add to or take from
/// it, an empty assignment resets it. In an allow list, `~name:errno` keeps `name` out of the
/// allowed calls.
public struct SyscallFilter: Sendable, Hashable {
  /// Whether `entries` lists the allowed calls (true) or the denied ones (false).
  public private(set) var isAllowList = false
  /// Each listed call with its errno (-1 for none, as systemd stores it).
  public private(set) var entries: [String: Int] = [:]
  /// Whether any assignment has been made since the last reset.
  public private(set) var isSet = false

  /// An empty filter: every system call allowed.
  public init() {}

  /// Applies one `SystemCallFilter=` value.
  public mutating func apply(_ value: String) {
    var rest = Substring(value)
    if rest.isEmpty {
      self = SyscallFilter()
      return
    }
    let invert = rest.hasPrefix("~")
    if invert { rest = rest.dropFirst() }
    if !isSet {
      isSet = true
      isAllowList = !invert
      if isAllowList { add("@default", errno: -1, invert: false) }
    }
    for word in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
      var name = Substring(word)
      var errno = -1
      if let colon = word.firstIndex(of: ":") {
        name = word[..<colon]
        guard let number = SyscallFilter.errno(String(word[word.index(after: colon)...])) else {
          continue
        }
        errno = number
      }
      if !invert && errno >= 0 { continue }
      add(String(name), errno: errno, invert: invert)
    }
  }

  private mutating func add(_ name: String, errno: Int, invert: Bool) {
    let calls: [String]
    if name.hasPrefix("@") {
      calls = SyscallFilter.expandedGroups[name] ?? []
    } else {
      guard SyscallFilter.known.contains(name) else { return }
      calls = [name]
    }
    let keep = !invert == isAllowList || (invert && isAllowList && errno >= 0)
    for call in calls {
      if keep { entries[call] = errno } else { entries[call] = nil }
    }
  }

  /// The calls of each group with its nested groups expanded, made once: expanding
  /// `@system-service` anew for every hardened unit was most of the cost of scoring. (Every
  /// call of a group is in `known`, so no call is dropped here that `add` would keep.)
  static let expandedGroups: [String: [String]] = {
    func expand(_ group: String) -> [String] {
      (groups[group] ?? []).flatMap { $0.hasPrefix("@") ? expand($0) : [$0] }
    }
    return Dictionary(uniqueKeysWithValues: groups.keys.map { ($0, expand($0)) })
  }()

  /// The calls systemd-analyze counts as listed: in an allow list only those allowed without
  /// an errno (`get_security_info()` skips the others).
  public var listed: Set<String> {
    Set(entries.filter { !isAllowList || $0.value < 0 }.keys)
  }

  /// A call of `group` (recursively) that the filter lets through, or nil when the whole group
  /// is blocked (`syscall_names_in_filter()`).
  public func offender(in group: String) -> String? {
    // Asks `entries` call by call: building `listed` here, once per group checked, cost more
    // than the rest of scoring together.
    func isListed(_ call: String) -> Bool {
      guard let errno = entries[call] else { return false }
      return !isAllowList || errno < 0
    }
    func walk(_ group: String) -> String? {
      for member in SyscallFilter.groups[group] ?? [] {
        if member.hasPrefix("@") {
          if let found = walk(member) { return found }
        } else if SyscallFilter.native.contains(member), isListed(member) == isAllowList {
          return member
        }
      }
      return nil
    }
    return walk(group)
  }

  /// Every call libseccomp knows by name, on any architecture: the members of the groups and
  /// the native calls. A name outside it is ignored, as systemd ignores names libseccomp cannot
  /// resolve.
  static let known: Set<String> = native.union(groups.values.joined().filter { !$0.hasPrefix("@") })

  /// The errno after `:` (`EPERM`, `13`, or `kill`, which systemd stores as `INT_MAX - 1`); nil
  /// when systemd would reject it (`seccomp_parse_errno_or_action()`). Only its sign matters
  /// here, so a named errno counts as 1.
  static func errno(_ text: String) -> Int? {
    if text == "kill" { return Int(Int32.max) - 1 }
    if errnoNames.contains(text.uppercased()) { return 1 }
    guard let number = Int(text), (0..<4096).contains(number) else { return nil }
    return number
  }
}
