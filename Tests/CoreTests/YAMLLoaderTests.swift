import Core
import Testing

@Suite struct YAMLLoaderTests {
  func load(_ text: String) -> (YAMLNode?, Diagnostics) {
    var diagnostics = Diagnostics()
    let node = YAMLLoader.load(Array(text.utf8), file: "f.yaml", diagnostics: &diagnostics)
    return (node, diagnostics)
  }

  @Test func keepsPositionsAndScalarsAsText() throws {
    let (node, diagnostics) = load("a:\n  mode: 0644\n  flag: yes\n")
    #expect(!diagnostics.hasErrors)
    var d = Diagnostics()
    var root = MappingReader(try #require(node), what: "root", diagnostics: &d)
    var a = try #require(root.mapping("a", diagnostics: &d))
    let mode = a.string("mode", diagnostics: &d)
    #expect(mode?.value == "0644")
    #expect(mode?.position == SourcePosition(file: "f.yaml", line: 2, column: 9))
    #expect(a.bool("flag", diagnostics: &d) == nil)
    #expect(d.errors.first?.message.contains("must be true or false, found 'yes'") == true)
  }

  @Test func refusesAmbiguousNumbers() throws {
    let (node, _) = load("uid: 0644\n")
    var d = Diagnostics()
    var reader = MappingReader(try #require(node), what: "user", diagnostics: &d)
    #expect(reader.integer("uid", diagnostics: &d) == nil)
    #expect(d.errors.first?.code == "ambiguous-number")
  }

  @Test func rejectsDuplicateKeysAtTheRepetition() {
    let (node, diagnostics) = load("a: 1\nb: 2\na: 3\n")
    #expect(node == nil)
    let error = diagnostics.errors.first
    #expect(error?.code == "duplicate-key")
    #expect(error?.message == "duplicate key 'a' in a mapping")
    #expect(error?.position == SourcePosition(file: "f.yaml", line: 3, column: 1))
    #expect(error?.notes == ["'a' first appears at line 1, column 1"])
  }

  @Test func duplicateKeysAreTheSameTextQuotedOrNotInLargeMappingsToo() {
    #expect(load("1: a\n'1': b\n").1.errors.first?.code == "duplicate-key")
    // Past 16 keys the check is a dictionary, not a scan.
    let keys = (0..<40).map { "k\($0): v\n" }.joined()
    #expect(!load(keys).1.hasErrors)
    let (node, diagnostics) = load(keys + "k7: again\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.position?.line == 41)
    #expect(diagnostics.errors.first?.notes == ["'k7' first appears at line 8, column 1"])
  }

  @Test func keysMustBeText() {
    let (node, diagnostics) = load("? [a, b]\n: 1\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.code == "yaml-key")
    #expect(diagnostics.errors.first?.message == "a mapping key must be text, found a list")
  }

  @Test func keepsQuotingAndStructureAsWritten() throws {
    let (node, diagnostics) = load("a: |\n  x\nb: >\n  y\nc: 'z'\nd: \"w\"\ne: plain\nf:\ng:\n- [1, {h: i}]\n")
    #expect(!diagnostics.hasErrors)
    guard case .mapping(let pairs) = try #require(node).value else { throw Failure.notAMapping }
    let values = pairs.map { pair -> String in
      if case .scalar(let text, let quoted) = pair.value.value { return "\(text.debugDescription)\(quoted ? "q" : "")" }
      return pair.value.kindDescription
    }
    #expect(values == ["\"x\\n\"q", "\"y\\n\"q", "\"z\"q", "\"w\"q", "\"plain\"", "\"\"", "a list"])
    #expect(pairs[6].value.position == SourcePosition(file: "f.yaml", line: 10, column: 1))
  }

  enum Failure: Error { case notAMapping }

  @Test func emptyInputIsAnEmptyMappingAndOneDocumentOnly() throws {
    for text in ["", "# only a comment\n", "\n\n"] {
      let (node, diagnostics) = load(text)
      #expect(!diagnostics.hasErrors)
      #expect(try #require(node).kindDescription == "a mapping")
    }
    #expect(try #require(load("---\n").0).isNull)
    let (node, diagnostics) = load("a: 1\n---\nb: 2\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.message.contains("expected a single document") == true)
    #expect(diagnostics.errors.first?.position?.line == 2)
  }

  @Test func aliasesTakeTheLatestAnchorAndMustBeDefinedFirst() throws {
    let (node, _) = load("a: &x 1\nb: &x 2\nc: *x\n")
    guard case .mapping(let pairs) = try #require(node).value else { throw Failure.notAMapping }
    #expect(pairs[2].value.scalar == "2")
    for text in ["a: *nope\n", "&r [*r]\n"] {
      let (node, diagnostics) = load(text)
      #expect(node == nil)
      #expect(diagnostics.errors.first?.message == "YAML: found undefined alias")
    }
  }

  @Test func boundsNesting() {
    let deep = { (levels: Int) in
      "a: " + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "\n"
    }
    #expect(!load(deep(YAMLLoader.nestingLimit - 1)).1.hasErrors)
    let (node, diagnostics) = load(deep(5000))
    #expect(node == nil)
    #expect(diagnostics.errors.first?.code == "yaml-nesting-limit")
    #expect(diagnostics.errors.first?.position?.column == 4 + YAMLLoader.nestingLimit - 1)
  }

  @Test func controlCharactersAreNamedWhereTheyAre() {
    let (node, diagnostics) = load("a: 1\nb: \"x\u{01}\"\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.message == "YAML: control characters are not allowed (U+0001)")
    #expect(diagnostics.errors.first?.position == SourcePosition(file: "f.yaml", line: 2, column: 6))
  }

  @Test func boundsAliasBombs() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    for i in 1..<20 {
      text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
    }
    let (node, diagnostics) = load(text)
    #expect(node == nil ? true : false)
    #expect(diagnostics.errors.first?.code == "yaml-alias-limit")
  }

  @Test func boundsExpansionWithinTheAliasLimit() {
    var text = "a0: &a0 [" + Array(repeating: "x", count: 2000).joined(separator: ", ") + "]\n"
    text += "a1: &a1 [" + Array(repeating: "*a0", count: 30).joined(separator: ", ") + "]\n"
    text += "a2: [*a1, *a1]\n"
    let (node, diagnostics) = load(text)
    #expect(node == nil ? true : false)
    #expect(diagnostics.errors.first?.code == "yaml-node-limit")
  }

  @Test func rejectsInvalidUTF8WithItsLine() {
    var d = Diagnostics()
    let bytes = Array("a: 1\nb: ".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
    #expect(YAMLLoader.load(bytes, file: "f.yaml", diagnostics: &d) == nil)
    #expect(d.errors.first?.position?.line == 2)
  }

  @Test func reportsSyntaxErrorsWithPosition() {
    let (node, diagnostics) = load("a: [1, 2\nb: 3\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.code == "yaml-syntax")
    #expect(
      diagnostics.errors.first?.message == "YAML syntax: while parsing a flow sequence did not find expected ',' or ']'"
    )
    #expect(diagnostics.errors.first?.position == SourcePosition(file: "f.yaml", line: 2, column: 2))
  }

  @Test func unknownKeysSuggestTheClosest() throws {
    let (node, _) = load("enabel: true\n")
    var d = Diagnostics()
    var reader = MappingReader(try #require(node), what: "unit 'x.service'", diagnostics: &d)
    _ = reader.bool("enable", diagnostics: &d)
    reader.finish(diagnostics: &d)
    #expect(d.errors.first?.message == "unknown key 'enabel' in unit 'x.service'")
    #expect(d.errors.first?.notes.first == "did you mean 'enable'?")
  }

  @Test func keysReadOrAcceptedAreKnownInMappingsOfAnySize() throws {
    // 72 pairs: what was read is tracked one way for the first 64, another beyond.
    let (node, _) = load((0..<70).map { "k\($0): \($0)\n" }.joined() + "extra: 1\nlate: 2\n")
    var d = Diagnostics()
    var reader = MappingReader(try #require(node), what: "m", diagnostics: &d)
    for i in 0..<70 where i != 3 && i != 66 { _ = reader.integer("k\(i)", diagnostics: &d) }
    _ = reader.integer("k5", diagnostics: &d)
    reader.accept(["late", "absent"])
    reader.finish(diagnostics: &d)
    #expect(d.errors.map(\.message) == ["unknown key 'k3' in m", "unknown key 'k66' in m", "unknown key 'extra' in m"])
    let list = try #require(d.errors.first?.notes.last)
    let names = (0..<70).filter { $0 != 3 && $0 != 66 }.map { "k\($0)" } + ["late", "absent"]
    #expect(list == "known keys: " + names.sorted().joined(separator: ", "))
  }
}
