import Core
import Testing

@testable import Users

@Suite struct IDAllocatorTests {
  @Test("IDs given in turn match a search of the whole range each time, both directions")
  func matchesASearchOfTheRange() {
    var generator = SystemRandomNumberGenerator()
    for round in 0..<40 {
      let range: ClosedRange<UInt32> = 990...1_030
      var used = Set((0..<12).map { _ in UInt32.random(in: 985...1_035, using: &generator) })
      // Some IDs once given to accounts, some of them to accounts asking again.
      var memory: [String: String] = [:]
      for _ in 0..<8 {
        let id = UInt32.random(in: 985...1_035, using: &generator)
        memory["uid:\(id)"] = "a\(Int.random(in: 0..<30, using: &generator))"
      }
      let descending = round % 2 == 1
      let start = Array(used)
      var allocator = IDAllocator(used: { start }, memory: memory, prefix: "uid")
      for n in 0..<45 {
        let name = "a\(n)"
        let remembered = Set(memory.filter { $0.value == name }.keys)
        func free(_ id: UInt32) -> Bool {
          !used.contains(id) && (memory["uid:\(id)"] == nil || memory["uid:\(id)"] == name)
            && AccountRules.reservedIDProblem(id, kind: .user) == nil
        }
        let own = remembered.compactMap { UInt32($0.dropFirst(4)) }.sorted().first {
          free($0) && range.contains($0)
        }
        let expected =
          own ?? (descending ? range.reversed().first(where: free) : range.first(where: free))
        let given = allocator.allocate(for: name, in: range, system: descending, kind: .user)
        #expect(given == expected, "round \(round), account \(n)")
        if let given { used.insert(given) }
      }
    }
  }

  @Test("an ID remembered for another account is skipped, and taken by that account later")
  func rememberedIDs() {
    var allocator = IDAllocator(
      used: { [1000] }, memory: ["uid:1001": "bob"], prefix: "uid")
    #expect(allocator.allocate(for: "alice", in: 1000...1010, system: false, kind: .user) == 1002)
    #expect(allocator.allocate(for: "bob", in: 1000...1010, system: false, kind: .user) == 1001)
    #expect(allocator.allocate(for: "carol", in: 1000...1010, system: false, kind: .user) == 1003)
    #expect(allocator.rememberedForOther(1001, than: "alice") == "bob")
    #expect(allocator.rememberedForOther(1001, than: "bob") == nil)
  }
}
