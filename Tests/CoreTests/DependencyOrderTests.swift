import Core
import Testing

@Suite struct DependencyOrderTests {
  func change(_ address: Address, _ action: Change.Action = .create, after: [Address] = []) -> Change {
    Change(address: address, action: action, cause: .new, plugin: "test", summary: "", dependsOn: after)
  }

  @Test func ordersByDependencies() throws {
    let changes = [change("user:a", after: ["group:a"]), change("group:a"), change("unit:x", after: ["user:a"])]
    let order = try DependencyOrder.sort(changes).ordered.map(\.address)
    #expect(order == ["group:a", "user:a", "unit:x"])
  }

  @Test func deletesInReverse() throws {
    let changes = [change("group:a", .delete), change("user:a", .delete, after: ["group:a"])]
    let order = try DependencyOrder.sort(changes).ordered.map(\.address)
    #expect(order == ["user:a", "group:a"])
  }

  @Test func afterIsNeverReversed() throws {
    // A container's volume goes after its unit stopped, and before its user is deleted.
    var volume = change("volume:u/data", .delete, after: ["user:u"])
    volume.after = ["activation:user/container-x.service"]
    let changes = [
      change("user:u", .delete), volume, change("activation:user/container-x.service", .delete),
    ]
    let order = try DependencyOrder.sort(changes).ordered.map(\.address)
    #expect(order == ["activation:user/container-x.service", "volume:u/data", "user:u"])
  }

  @Test func ordersInPlaceAsSortDoes() throws {
    // Cycles of every length in the permutation: a chain, deletions reversed, ties, `after`.
    var volume = change("volume:u/data", .delete, after: ["user:u"])
    volume.after = ["activation:user/c.service"]
    let changes = [
      change("unit:x", after: ["user:a"]), change("user:a", after: ["group:a"]), change("group:a"),
      change("user:u", .delete), volume, change("activation:user/c.service", .delete),
      change("unit:y", after: ["unit:x"]), change("group:b"), change("user:b", after: ["group:b", "unit:y"]),
    ]
    var ordered = changes
    try DependencyOrder.order(&ordered)
    #expect(ordered == (try DependencyOrder.sort(changes).ordered))
    #expect(ordered.map(\.address) != changes.map(\.address))
  }

  @Test func namesTheCycle() {
    let changes = [
      change("a:1", after: ["a:2"]), change("a:2", after: ["a:3"]), change("a:3", after: ["a:1"]), change("b:1"),
    ]
    #expect {
      try DependencyOrder.sort(changes)
    } throws: { error in
      let text = "\(error)"
      return text.contains("a:1") && text.contains("a:2") && text.contains("a:3") && !text.contains("b:1")
    }
  }
  @Test("on random graphs, the order takes the lowest ready change each time, as a search would")
  func matchesASearchOfTheReadyChanges() throws {
    var generator = SystemRandomNumberGenerator()
    for size in [1, 5, 40, 300] {
      let changes: [Change] = (0..<size).map { i in
        let dependencies = (0..<Int.random(in: 0...3, using: &generator)).compactMap { _ -> Address? in
          // Edges to earlier changes only (no cycles); deletions reverse theirs.
          i == 0 ? nil : Address("unit", "u\(Int.random(in: 0..<i, using: &generator))")
        }
        let action: Change.Action = Int.random(in: 0..<5, using: &generator) == 0 ? .delete : .create
        return change(Address("unit", "u\(i)"), action, after: dependencies)
      }
      let reversedDeletions = changes.contains { $0.action == .delete }
      guard let expected = Self.searchedOrder(changes) else {
        #expect(reversedDeletions, "only reversed edges can make a cycle")
        continue
      }
      #expect(try DependencyOrder.sort(changes).ordered.map(\.address) == expected, "size \(size)")
    }
  }

  /// Kahn's algorithm searching the ready list for its lowest index each time: the rule
  /// `DependencyOrder` keeps with a heap. Nil on a cycle.
  static func searchedOrder(_ changes: [Change]) -> [Address]? {
    let index = Dictionary(changes.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { a, _ in a })
    var before = [[Int]](repeating: [], count: changes.count)
    for (i, change) in changes.enumerated() {
      for dependency in change.dependsOn {
        guard let j = index[dependency], j != i else { continue }
        if change.action == .delete { before[j].append(i) } else { before[i].append(j) }
      }
    }
    var waiting = before.map(\.count)
    var ready = changes.indices.filter { waiting[$0] == 0 }
    var order: [Int] = []
    while let next = ready.min() {
      ready.removeAll { $0 == next }
      order.append(next)
      for k in changes.indices where before[k].contains(next) {
        waiting[k] -= before[k].filter { $0 == next }.count
        if waiting[k] == 0 { ready.append(k) }
      }
    }
    return order.count == changes.count ? order.map { changes[$0].address } : nil
  }
}

@Suite struct ChangeClassifierTests {
  let entry = Ledger.Entry(plugin: "p", applied: "old", declared: "old", created: true)

  @Test func classifiesEveryCase() {
    #expect(ChangeClassifier.cause(declared: "new", desired: "new", observed: "new", entry: entry) == nil)
    #expect(ChangeClassifier.cause(declared: "new", desired: "new", observed: nil, entry: nil) == .new)
    #expect(ChangeClassifier.cause(declared: "new", desired: "new", observed: "hand", entry: nil) == .adoption)
    #expect(ChangeClassifier.cause(declared: "new", desired: "new", observed: "old", entry: entry) == .changed)
    #expect(ChangeClassifier.cause(declared: "old", desired: "old", observed: "hand", entry: entry) == .drift)
    #expect(ChangeClassifier.cause(declared: "new", desired: "new", observed: "hand", entry: entry) == .conflict)
  }
}

@Suite struct SupportTests {
  @Test func sha256MatchesKnownVectors() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex(String(repeating: "a", count: 1000))
        == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  /// Lengths on both sides of each padding boundary (55/56 bytes in the last block, 64 per
  /// block); digests from Python's hashlib of bytes (i * 7 + 3) % 251.
  @Test func sha256PadsEveryLengthAroundTheBlockBoundaries() {
    let expected: [(Int, String)] = [
      (55, "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70"),
      (56, "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e"),
      (57, "011f4bced20a249afb834d24b3e4eca31ad5ea2bdd1d8a1a564c2d2410398e69"),
      (63, "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6"),
      (64, "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b"),
      (65, "dd2eab5a5507d7717c63ce953d9ac61752c21e664425ad1227054722a0d97f69"),
      (119, "c6e0f435df5d7d265baacca31e0602c00aa22fa6d3819aed664649294c743756"),
      (120, "17eb8960823a644bde3065620bb9d45931fe8993fd8eb692a17aff0fd725db6a"),
      (128, "3a9c1e22e20578eebe442238f431befd688bd56698eb7c77d95d3f97d8f58207"),
    ]
    for (length, digest) in expected {
      let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 251) }
      #expect(SHA256.hex(bytes) == digest, "length \(length)")
    }
  }

  /// The array path (whole blocks hashed in place), the generic one (a padded copy) and the
  /// piecewise hasher give one digest for every length up to three blocks.
  @Test func sha256PathsAgree() {
    let source = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    for length in 0...200 {
      let bytes = Array(source[..<length])
      var pieces = SHA256.Hasher()
      pieces.update(Array(bytes.prefix(length / 3)))
      pieces.update(Array(bytes.dropFirst(length / 3)))
      #expect(SHA256.hex(bytes) == SHA256.hex(source[..<length]), "length \(length)")
      #expect(pieces.hex() == SHA256.hex(bytes), "length \(length)")
      #expect(SHA256.digest(bytes).count == 32)
    }
  }

  @Test func diffShowsChangedLinesWithContext() {
    let diff = TextDiff.lines(from: "a\nb\nc\nd\ne\nf\ng\n", to: "a\nb\nc\nD\ne\nf\ng\n", context: 1)
    #expect(diff == [" c", "-d", "+D", " e"])
  }
}
