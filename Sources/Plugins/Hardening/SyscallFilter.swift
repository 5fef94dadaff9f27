/// `SystemCallFilter=` as systemd 252 builds it from a unit's assignments
/// (`config_parse_syscall_filter()`, `seccomp_parse_syscall_filter()`).
///
/// The first non-empty assignment picks the mode: a list without `~` is an allow list that
/// starts from `@default`; one with `~` is a deny list. Later assignments add to or take from
/// it, an empty assignment resets it. In an allow list, `~name:errno` keeps `name` out of the
/// allowed calls.
public struct SyscallFilter: Sendable, Hashable {
  /// Whether the listed calls are the allowed ones (true) or the denied ones (false).
  public private(set) var isAllowList = false
  /// The listed calls, numbered by `names`.
  private var calls = SyscallSet()
  /// The errno of each listed call that has one, by number; the others have none (systemd
  /// stores -1). Only listed calls are here.
  private var errnos: [Int: Int] = [:]
  /// Whether any assignment has been made since the last reset.
  public private(set) var isSet = false

  /// An empty filter: every system call allowed.
  public init() {}

  /// Applies one `SystemCallFilter=` value.
  public mutating func apply(_ value: String) {
    guard let (invert, entries) = SyscallFilter.parse(value) else {
      self = SyscallFilter()
      return
    }
    if !isSet {
      isSet = true
      isAllowList = !invert
      if isAllowList { add("@default", errno: -1, invert: false) }
    }
    for entry in entries { add(entry.name, errno: entry.errno, invert: invert) }
  }

  /// A `SystemCallFilter=` value read: whether it starts with `~`, and the names after it,
  /// each with its errno (-1 for none). A name whose errno systemd rejects is left out, and so
  /// is a name with an errno in a value without `~` (systemd ignores those). nil for an empty
  /// value, which resets the filter.
  static func parse(_ value: String) -> (invert: Bool, entries: [(name: String, errno: Int)])? {
    var rest = Substring(value)
    if rest.isEmpty { return nil }
    let invert = rest.hasPrefix("~")
    if invert { rest = rest.dropFirst() }
    var entries: [(name: String, errno: Int)] = []
    for word in blankSeparated(rest) {
      var name = word
      var errno = -1
      if let colon = word.firstIndex(of: ":") {
        name = word[..<colon]
        guard let number = SyscallFilter.errno(String(word[word.index(after: colon)...])) else {
          continue
        }
        errno = number
      }
      if !invert && errno >= 0 { continue }
      entries.append((String(name), errno))
    }
    return (invert, entries)
  }

  private mutating func add(_ name: String, errno: Int, invert: Bool) {
    let group: SyscallSet
    if name.hasPrefix("@") {
      group = SyscallFilter.groupSets[name] ?? SyscallSet()
    } else {
      guard let number = SyscallFilter.numbers[name] else { return }
      group = SyscallSet([number])
    }
    let keep = !invert == isAllowList || (invert && isAllowList && errno >= 0)
    if keep {
      calls.formUnion(group)
    } else {
      calls.subtract(group)
    }
    if !errnos.isEmpty && (!keep || errno < 0) {
      errnos = errnos.filter { !group.contains($0.key) }
    }
    if keep && errno >= 0 {
      for number in group.numbers { errnos[number] = errno }
    }
  }

  /// Every call libseccomp knows by name, in order: a call's number is its place here.
  static let names: [String] = known.sorted()

  /// The number of each name in `names`.
  static let numbers: [String: Int] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

  /// The calls of each group with its nested groups expanded, made once: expanding
  /// `@system-service` anew for every hardened unit was most of the cost of scoring. (Every
  /// call of a group is in `known`, so no call is dropped here that `add` would keep.)
  static let groupSets: [String: SyscallSet] = {
    func expand(_ group: String) -> [String] {
      (groups[group] ?? []).flatMap { $0.hasPrefix("@") ? expand($0) : [$0] }
    }
    return Dictionary(
      uniqueKeysWithValues: groups.keys.map { group in (group, SyscallSet(expand(group).compactMap { numbers[$0] })) })
  }()

  /// The native calls of each group, nested groups expanded, in the order systemd-analyze
  /// walks them (`syscall_names_in_filter()`), each once.
  static let nativeWalks: [String: [Int]] = {
    func walk(_ group: String, into order: inout [Int], seen: inout Set<Int>) {
      for member in groups[group] ?? [] {
        if member.hasPrefix("@") {
          walk(member, into: &order, seen: &seen)
        } else if native.contains(member), let number = numbers[member], seen.insert(number).inserted {
          order.append(number)
        }
      }
    }
    return Dictionary(
      uniqueKeysWithValues: groups.keys.map { group in
        var order: [Int] = []
        var seen: Set<Int> = []
        walk(group, into: &order, seen: &seen)
        return (group, order)
      })
  }()

  /// The calls systemd-analyze counts as listed: in an allow list only those allowed without
  /// an errno (`get_security_info()` skips the others).
  public var listed: Set<String> {
    Set(calls.numbers.filter(isListed).map { SyscallFilter.names[$0] })
  }

  /// Whether systemd-analyze counts any call as listed (`listed` is not empty).
  public var listsAny: Bool { calls.numbers.contains(where: isListed) }

  /// A call of `group` (recursively) that the filter lets through, or nil when the whole group
  /// is blocked (`syscall_names_in_filter()`).
  public func offender(in group: String) -> String? {
    let found = SyscallFilter.nativeWalks[group]?.first { isListed($0) == isAllowList }
    return found.map { SyscallFilter.names[$0] }
  }

  /// Whether call `number` counts as listed.
  private func isListed(_ number: Int) -> Bool {
    calls.contains(number) && (!isAllowList || errnos[number] == nil)
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
