import Testing

@testable import Core

/// Reading subuid/subgid lines on their bytes, as newuidmap (shadow's subordinate_parse)
/// accepts them.
@Suite struct SubordinateIDLineTests {
  /// `SubordinateIDLine.read` of a text.
  static func read(_ line: String) -> Result<SubordinateIDLine.Fields, SubordinateIDLine.Problem> {
    Array(line.utf8).withUnsafeBufferPointer { SubordinateIDLine.read($0) }
  }

  /// `SubordinateIDLine.decimal` of a text.
  static func decimal(_ text: String) -> UInt32? {
    Array(text.utf8).withUnsafeBufferPointer { SubordinateIDLine.decimal($0) }
  }

  @Test func readsOwnerStartAndCount() throws {
    #expect(try Self.read("matrix:100000:65536").get() == .init(owner: 0..<6, start: 100000, count: 65536))
    #expect(try Self.read("a:4294967295:1").get() == .init(owner: 0..<1, start: UInt32.max, count: 1))
  }

  @Test func namesWhatIsWrongWithALine() {
    let cases: [(String, SubordinateIDLine.Problem)] = [
      ("matrix:100000", .fieldCount(2)),
      ("matrix:1:2:3:4", .fieldCount(5)),
      ("matrix", .fieldCount(1)),
      ("", .fieldCount(1)),
      (":1:1", .emptyOwner),
      ("matrix::65536", .badStart),
      ("matrix:+5:65536", .badStart),
      ("matrix:4294967296:1", .badStart),
      ("matrix: 1:1", .badStart),
      ("matrix:1:0", .badCount),
      ("matrix:1:65536\r", .badCount),
      ("matrix:1:", .badCount),
      ("matrix:4294967295:2", .pastEnd(start: 4_294_967_295, count: 2)),
    ]
    for (line, problem) in cases {
      #expect(throws: Never.self) {
        guard case .failure(let found) = Self.read(line) else {
          Issue.record("'\(line)' was read as a range")
          return
        }
        #expect(found == problem, "\(line)")
      }
    }
    #expect(SubordinateIDLine.Problem.badStart.field == 1)
    #expect(SubordinateIDLine.Problem.pastEnd(start: 0, count: 0).field == 2)
  }

  @Test func decimalRefusesWhatIsNotThirtyTwoBitDigits() {
    #expect(Self.decimal("0") == 0)
    #expect(Self.decimal("0100") == 100)
    #expect(Self.decimal("4294967295") == UInt32.max)
    for text in ["", "4294967296", "99999999999", "-1", "1a", "١"] {
      #expect(Self.decimal(text) == nil, "\(text)")
    }
  }

  @Test func firstStartsTakesTheFirstRangeOfEachWantedOwner() {
    let file = """
      root:10000:5
      matrix:100000:65536
      bitcoin:165536:65536
      matrix:300000:65536
      ghost:400000:65536

      """
    let starts = SubordinateIDLine.firstStarts(in: Array(file.utf8), of: ["matrix", "bitcoin", "nobody"])
    #expect(starts == ["matrix": 100000, "bitcoin": 165536])
  }

  @Test func firstStartsPassesOverLinesThatAreNotRanges() {
    // Each of these is reported by the subids plugin; none is a range newuidmap would use.
    let file = """
      matrix:+5:65536
      matrix:100000
      matrix::65536
      matrix:99999999999:1
      matrix:5:0
      # matrix:1:1
      matrix:200000:65536:extra
      matrix:300000:65536
      """
    #expect(SubordinateIDLine.firstStarts(in: Array(file.utf8), of: ["matrix"]) == ["matrix": 300000])
  }

  @Test func firstStartsReadsOwnersOnTheirBytes() {
    // A name with a non-ASCII character matches itself; blank lines are passed over; a line
    // ending in a carriage return is not a range (shadow refuses "65536\r" as a count).
    let file = "\n\nmätrix:100000:65536\nbob:200000:65536\r\nbob:300000:1\n"
    #expect(
      SubordinateIDLine.firstStarts(in: Array(file.utf8), of: ["mätrix", "bob"])
        == ["mätrix": 100000, "bob": 300000])
  }
}
