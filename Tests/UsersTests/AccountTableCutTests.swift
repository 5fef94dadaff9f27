import Testing

@testable import Core

/// `AccountTable.parse` cuts plain ASCII files on their bytes and anything else by characters;
/// both ways must read a file alike.
@Suite struct AccountTableCutTests {
  @Test("a plain file reads as a search of its characters does: lines, entries, problems")
  func bytesMatchCharacters() {
    var generator = SystemRandomNumberGenerator()
    let pieces = [
      "alice:x:1000:1000:Alice:/home/alice:/bin/bash", "bob:x:1001:1001::/home/bob:/bin/sh",
      "", "broken:x:12", "alice:x:1002:1002::/home/a:/bin/sh", "c:x:nope:1:::", "d::5:5:::",
      "e:x:7:7:a:b:c:d",
    ]
    for _ in 0..<200 {
      let count = Int.random(in: 0...8, using: &generator)
      var text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
        .joined(separator: "\n")
      if Bool.random(using: &generator) { text += "\n" }
      let table = AccountTable<PasswdEntry>.parse(Array(text.utf8))
      // What cutting characters gives, for the same text with a non-ASCII comment appended
      // (which sends it down the character path) and then taken off again.
      let wide = AccountTable<PasswdEntry>.parse(Array((text + "\u{e9}").utf8))
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      #expect(table.lines == lines, "\(text.debugDescription)")
      #expect(table.endsWithNewline == text.hasSuffix("\n") || text.isEmpty)
      if !text.isEmpty && text.hasSuffix("\n") {
        // The appended character makes a last line of its own: every earlier one reads alike.
        #expect(wide.entries.map(\.name) == table.entries.map(\.name))
        #expect(wide.lineNumbers == table.lineNumbers)
        #expect(
          wide.problems.filter { $0.position?.line != lines.count + 1 }.map(\.message)
            == table.problems.map(\.message))
      }
    }
  }

  @Test("carriage returns and non-ASCII text are read by characters, as before")
  func otherFilesByCharacters() {
    let accented = AccountTable<PasswdEntry>.parse(
      Array("jose:x:1000:1000:Jos\u{e9}:/home/jose:/bin/bash\n".utf8))
    #expect(accented.entries.first?.comment == "Jos\u{e9}")
    #expect(accented.problems.isEmpty)
    let crlf = AccountTable<PasswdEntry>.parse(
      Array("a:x:1:1::/:/bin/sh\r\nb:x:2:2::/:/bin/sh\r\n".utf8))
    // "\r\n" is one character: the file is one line, reported, never half-read.
    #expect(crlf.entries.isEmpty)
    #expect(!crlf.problems.isEmpty)
  }
}
