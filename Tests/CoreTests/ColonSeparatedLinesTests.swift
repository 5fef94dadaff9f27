import Core
import Testing

/// Lines and fields of the account files, cut on bytes for plain ASCII and on characters
/// otherwise: both ways give the same fields.
@Suite struct ColonSeparatedLinesTests {
  static func cut(_ text: String) -> [[String]] {
    let lines = ColonSeparatedLines(text, bytes: Array(text.utf8))
    return lines.lines.map { lines.fields(of: $0).map(String.init) }
  }

  @Test func fieldsKeepEveryEmptyOne() {
    let text = "root:x:0:0:root:/root:/bin/bash\na::b:\n\n:\nlone\n"
    let expected = [
      ["root", "x", "0", "0", "root", "/root", "/bin/bash"], ["a", "", "b", ""], [""], ["", ""],
      ["lone"],
    ]
    #expect(Self.cut(text) == expected)
    // Not plain (a non-ASCII byte): cut by characters, to the same fields.
    #expect(Self.cut(text + "é:1\n") == expected + [["é", "1"]])
    #expect(ColonSeparatedLines(text, bytes: Array(text.utf8)).endsWithNewline)
    #expect(!ColonSeparatedLines("a:b", bytes: Array("a:b".utf8)).endsWithNewline)
  }
}
