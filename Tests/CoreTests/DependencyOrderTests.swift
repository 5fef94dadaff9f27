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

  @Test func namesTheCycle() {
    let changes = [change("a:1", after: ["a:2"]), change("a:2", after: ["a:3"]), change("a:3", after: ["a:1"]), change("b:1")]
    #expect {
      try DependencyOrder.sort(changes)
    } throws: { error in
      let text = "\(error)"
      return text.contains("a:1") && text.contains("a:2") && text.contains("a:3") && !text.contains("b:1")
    }
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
    #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  @Test func diffShowsChangedLinesWithContext() {
    let diff = TextDiff.lines(from: "a\nb\nc\nd\ne\nf\ng\n", to: "a\nb\nc\nD\ne\nf\ng\n", context: 1)
    #expect(diff == [" c", "-d", "+D", " e"])
  }
}
