/// A set of system calls, as bits numbered by `SyscallFilter.names`: a filter made of
/// `@system-service` and `@default` is some 400 calls, and building it by name for every
/// hardened unit was a tenth of planning a large host.
struct SyscallSet: Sendable, Hashable {
  /// Bit `n % 64` of word `n / 64` is call `n`.
  private var words: [UInt64]

  /// No calls.
  init() { words = [] }

  /// The calls numbered `numbers`.
  init(_ numbers: some Sequence<Int>) {
    self.init()
    for number in numbers { insert(number) }
  }

  var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  func contains(_ number: Int) -> Bool {
    let word = number >> 6
    return word < words.count && words[word] & (1 << UInt64(number & 63)) != 0
  }

  mutating func insert(_ number: Int) {
    let word = number >> 6
    if word >= words.count { words += repeatElement(0, count: word + 1 - words.count) }
    words[word] |= 1 << UInt64(number & 63)
  }

  mutating func formUnion(_ other: SyscallSet) {
    if other.words.count > words.count { words += repeatElement(0, count: other.words.count - words.count) }
    for index in other.words.indices { words[index] |= other.words[index] }
  }

  mutating func subtract(_ other: SyscallSet) {
    for index in words.indices where index < other.words.count { words[index] &= ~other.words[index] }
  }

  /// The numbers in the set, in order.
  var numbers: [Int] {
    var result: [Int] = []
    for (index, word) in words.enumerated() {
      var rest = word
      while rest != 0 {
        result.append(index << 6 + rest.trailingZeroBitCount)
        rest &= rest - 1
      }
    }
    return result
  }

  // Equal sets are equal whatever the number of trailing zero words.
  static func == (a: SyscallSet, b: SyscallSet) -> Bool {
    let count = max(a.words.count, b.words.count)
    return (0..<count).allSatisfy { a.word($0) == b.word($0) }
  }

  func hash(into hasher: inout Hasher) {
    let count = (words.lastIndex { $0 != 0 } ?? -1) + 1
    hasher.combine(count)
    for index in 0..<count { hasher.combine(words[index]) }
  }

  private func word(_ index: Int) -> UInt64 { index < words.count ? words[index] : 0 }
}
