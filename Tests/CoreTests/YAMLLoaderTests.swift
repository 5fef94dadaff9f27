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

  @Test func rejectsDuplicateKeysWithTheirLine() {
    let (node, diagnostics) = load("a: 1\nb: 2\na: 3\n")
    #expect(node == nil)
    #expect(diagnostics.errors.first?.code == "duplicate-key")
    #expect(diagnostics.errors.first?.position?.line ?? 0 > 0)
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
    #expect(diagnostics.errors.first?.position?.line ?? 0 > 0)
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
}
