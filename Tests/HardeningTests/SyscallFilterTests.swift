import Testing

@testable import Hardening

/// `SyscallFilter` keeps its calls as numbered bits; these tests hold it to the filter built
/// by name, the way systemd builds it (and the way the scorer built it before): a dictionary
/// of call names to errnos, changed assignment by assignment. Both read a value with
/// `SyscallFilter.parse`, which the oracle corpus checks against systemd-analyze.
@Suite struct SyscallFilterTests {
  /// The filter by name, as systemd's `seccomp_parse_syscall_filter()` keeps it.
  struct ReferenceFilter {
    var isAllowList = false
    var isSet = false
    var entries: [String: Int] = [:]

    mutating func apply(_ value: String) {
      // The value read as the filter reads it: what is checked here is what it keeps.
      guard let (invert, entries) = SyscallFilter.parse(value) else {
        self = ReferenceFilter()
        return
      }
      if !isSet {
        isSet = true
        isAllowList = !invert
        if isAllowList { add("@default", errno: -1, invert: false) }
      }
      for entry in entries { add(entry.name, errno: entry.errno, invert: invert) }
    }

    private mutating func add(_ name: String, errno: Int, invert: Bool) {
      let calls = name.hasPrefix("@") ? expand(name) : SyscallFilter.known.contains(name) ? [name] : []
      let keep = !invert == isAllowList || (invert && isAllowList && errno >= 0)
      for call in calls { entries[call] = keep ? errno : nil }
    }

    private func expand(_ group: String) -> [String] {
      (SyscallFilter.groups[group] ?? []).flatMap { $0.hasPrefix("@") ? expand($0) : [$0] }
    }

    var listed: Set<String> { Set(entries.filter { !isAllowList || $0.value < 0 }.keys) }

    func offender(in group: String) -> String? {
      for member in SyscallFilter.groups[group] ?? [] {
        if member.hasPrefix("@") {
          if let found = offender(in: member) { return found }
        } else if SyscallFilter.native.contains(member) {
          let isListed = entries[member].map { !isAllowList || $0 < 0 } ?? false
          if isListed == isAllowList { return member }
        }
      }
      return nil
    }
  }

  /// A random `SystemCallFilter=` value: groups and calls (some unknown), inverted or not,
  /// some with an errno (some invalid), now and then empty.
  static func randomValue(using generator: inout some RandomNumberGenerator) -> String {
    if Int.random(in: 0..<12, using: &generator) == 0 { return "" }
    let groups = SyscallFilter.groups.keys.sorted()
    let calls = SyscallFilter.names
    let words = (0..<Int.random(in: 1...4, using: &generator)).map { _ -> String in
      var word: String
      switch Int.random(in: 0..<10, using: &generator) {
      case 0..<4: word = groups.randomElement(using: &generator)!
      case 4..<9: word = calls.randomElement(using: &generator)!
      default: word = "no_such_call"
      }
      if Int.random(in: 0..<4, using: &generator) == 0 {
        word += [":EPERM", ":kill", ":13", ":eacces", ":NOTANERRNO", ":5000"].randomElement(using: &generator)!
      }
      return word
    }
    return (Bool.random(using: &generator) ? "~" : "") + words.joined(separator: " ")
  }

  @Test("random assignments read alike by bits and by name: mode, listed calls, every group's offender")
  func matchesFilterByName() {
    var generator = SystemRandomNumberGenerator()
    let groups = SyscallFilter.groups.keys.sorted()
    var built: [(SyscallFilter, ReferenceFilter)] = []
    for _ in 0..<400 {
      var filter = SyscallFilter()
      var reference = ReferenceFilter()
      var values: [String] = []
      for _ in 0..<Int.random(in: 1...5, using: &generator) {
        let value = Self.randomValue(using: &generator)
        values.append(value)
        filter.apply(value)
        reference.apply(value)
      }
      #expect(filter.isAllowList == reference.isAllowList, "\(values)")
      #expect(filter.isSet == reference.isSet, "\(values)")
      #expect(filter.listed == reference.listed, "\(values)")
      #expect(filter.listsAny == !reference.listed.isEmpty, "\(values)")
      for group in groups {
        #expect(filter.offender(in: group) == reference.offender(in: group), "\(group) of \(values)")
      }
      built.append((filter, reference))
    }
    // Equal exactly when the filters by name are equal.
    for ((a, referenceA), (b, referenceB)) in zip(built, built.shuffled(using: &generator)) {
      let same =
        referenceA.entries == referenceB.entries && referenceA.isAllowList == referenceB.isAllowList
        && referenceA.isSet == referenceB.isSet
      #expect((a == b) == same)
      if a == b { #expect(a.hashValue == b.hashValue) }
    }
  }

  @Test("a filter reset by an empty assignment equals a new one; sets compare whatever their size")
  func resetAndEquality() {
    var filter = SyscallFilter()
    filter.apply("@system-service")
    filter.apply("")
    #expect(filter == SyscallFilter())
    var grown = SyscallSet([SyscallFilter.names.count - 1])
    grown.subtract(SyscallSet([SyscallFilter.names.count - 1]))
    #expect(grown == SyscallSet() && grown.hashValue == SyscallSet().hashValue && grown.isEmpty)
    #expect(SyscallSet([3, 70, 1]).numbers == [1, 3, 70])
  }
}
