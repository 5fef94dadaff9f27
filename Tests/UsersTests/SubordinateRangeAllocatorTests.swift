import Core
import Testing

@testable import Subids

@Suite("Subordinate ID files and range allocation")
struct SubordinateRangeAllocatorTests {
  let realUIDs: [String: UInt32] = ["root": 0, "nobody": 65534, "alice": 1000]

  @Test("The first range starts at 100000 with 65536 IDs")
  func firstRange() throws {
    let allocator = SubordinateRangeAllocator(existing: [], realIDs: realUIDs)
    let result = try allocator.allocate([.init(user: "matrix")])
    #expect(
      result == [
        .init(
          user: "matrix",
          ranges: [SubordinateRange(owner: "matrix", start: 100000, count: 65536)], isNew: true)
      ])
    #expect(result[0].ranges[0].ids == 100000...165535)
  }

  @Test("An existing range is kept, whatever else is asked and in whatever order")
  func stable() throws {
    let existing = [
      SubordinateRange(owner: "zed", start: 100000, count: 65536),
      SubordinateRange(owner: "matrix", start: 300000, count: 65536),
    ]
    let allocator = SubordinateRangeAllocator(existing: existing, realIDs: realUIDs)
    let requests: [SubordinateRangeAllocator.Request] = [
      .init(user: "matrix"), .init(user: "alpha"), .init(user: "beta", count: 1000),
    ]
    let first = try allocator.allocate(requests)
    let second = try allocator.allocate(requests.reversed())
    #expect(first == second)
    #expect(first.map(\.user) == ["alpha", "beta", "matrix"])
    #expect(first[2] == .init(user: "matrix", ranges: [existing[1]], isNew: false))
    // New ranges fill the gaps first-fit in name order, clear of every existing line.
    #expect(first[0].ranges == [SubordinateRange(owner: "alpha", start: 165536, count: 65536)])
    #expect(first[1].ranges == [SubordinateRange(owner: "beta", start: 231072, count: 1000)])

    // An explicit declaration equal to the existing range is satisfied; a different one is
    // refused, because a range never moves.
    #expect(
      try allocator.allocate([.init(user: "matrix", start: 300000, count: 65536)])[0].isNew
        == false)
    #expect {
      try allocator.allocate([.init(user: "matrix", start: 400000, count: 65536)])
    } throws: { error in
      "\(error)" == "'matrix' already has 300000-365535 in /etc/subuid, but 400000-465535 is "
        + "declared; a subordinate range never moves (the user's container files are owned by "
        + "its IDs)"
    }
  }

  @Test("New ranges avoid real IDs and systemd's ranges, and stay below 524288")
  func avoidsEverything() throws {
    // A real user inside the subordinate area (e.g. made by hand with a high UID).
    let allocator = SubordinateRangeAllocator(
      existing: [SubordinateRange(owner: "hand", start: 100000, count: 50000)],
      realIDs: ["odd": 150_000, "root": 0])
    let result = try allocator.allocate([.init(user: "a"), .init(user: "b")])
    #expect(result.map { $0.ranges[0].start } == [150_001, 215_537])

    // Room for six 65536-ID ranges in 100000..<524288; the seventh does not fit.
    let empty = SubordinateRangeAllocator(existing: [], realIDs: [:])
    let six = try empty.allocate((1...6).map { .init(user: "u\($0)") })
    #expect(six.allSatisfy { $0.ranges[0].end <= 524_288 })
    #expect {
      try empty.allocate((1...7).map { .init(user: "u\($0)") })
    } throws: { error in
      "\(error)" == "there is no free range of 65536 IDs for 'u7' in /etc/subuid between 100000 "
        + "and 524287"
    }
  }

  @Test("An explicit range overlapping a hand-made line is refused, naming both owners")
  func explicitOverlap() {
    let existing = [SubordinateRange(owner: "alice", start: 200000, count: 65536)]
    let allocator = SubordinateRangeAllocator(existing: existing, realIDs: realUIDs)
    #expect {
      try allocator.allocate([.init(user: "matrix", start: 230000, count: 65536)])
    } throws: { error in
      "\(error)" == "the declared range 230000-295535 of 'matrix' overlaps alice's range "
        + "200000-265535 in /etc/subuid"
    }
  }

  @Test("Explicit ranges are checked against each other, real IDs, systemd and 2^32")
  func explicitProblems() throws {
    let allocator = SubordinateRangeAllocator(
      existing: [], realIDs: ["big": 400_000], file: "/etc/subgid")
    #expect {
      try allocator.allocate([
        .init(user: "a", start: 200000, count: 65536), .init(user: "b", start: 250000, count: 10),
        .init(user: "c", start: 399_990, count: 100), .init(user: "d", start: 500000, count: 65536),
        .init(user: "e", start: 4_294_967_000, count: 1000),
        .init(user: "f", start: 60000, count: 10),
        .init(user: "g", start: 110000, count: 0), .init(user: "g", count: 5),
      ])
    } throws: { error in
      guard let error = error as? SubordinateAllocationError else { return false }
      return error.problems.map(\.message) == [
        "'g' asks for subordinate IDs in /etc/subgid more than once",
        "the declared range 250000-250009 of 'b' overlaps a's declared range 200000-265535",
        "the declared range 399990-400089 of 'c' overlaps the real ID 400000 of 'big'",
        "the declared range 500000-565535 of 'd' overlaps systemd-nspawn's container range "
          + "524288-1879048191",
        "the declared range 4294967000-4294967999 of 'e' runs past 4294967295, the largest ID",
        "the declared range 60000-60009 of 'f' overlaps systemd-homed's range 60001-60513",
        "the declared range 110000 (empty) of 'g' is empty; the count must be at least 1",
      ]
    }
  }

  @Test("subuid lines parse losslessly; malformed and overlapping lines are reported")
  func parsing() {
    let text = "alice:100000:65536\nbob:x:1\n\ncarol:120000:10\ndave:4294967295:2\neve:1:0\nf:2\n"
    let file = SubordinateIDFile.parse(Array(text.utf8), file: "/etc/subuid")
    #expect(file.text == text)
    #expect(file.ranges.map(\.owner) == ["alice", "carol"])
    #expect(
      file.problems.map(\.description) == [
        "/etc/subuid:2:5: error: the start 'x' is not a number from 0 to 4294967295",
        "/etc/subuid:4:1: warning: carol 120000-120009 overlaps alice 100000-165535 on line 1",
        "/etc/subuid:5:17: error: the range 4294967295+2 runs past 4294967295",
        "/etc/subuid:6:7: error: the count '0' is not a number from 1 to 4294967295",
        "/etc/subuid:7:1: error: line has 2 fields where /etc/subuid has 3 (OWNER:START:COUNT)",
      ])
  }

  @Test("each overlapping line names the first earlier line it overlaps, as a search of every line would")
  func overlapsMatchASearch() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let count = Int.random(in: 1...40, using: &generator)
      let ranges = (0..<count).map { index in
        SubordinateRange(
          owner: "u\(index)", start: UInt32.random(in: 0...1000, using: &generator),
          count: UInt32.random(in: 1...80, using: &generator))
      }
      let text = ranges.map { "\($0.owner):\($0.start):\($0.count)\n" }.joined()
      let expected = ranges.indices.compactMap { index -> String? in
        guard let other = ranges[..<index].firstIndex(where: { $0.overlaps(ranges[index]) }) else {
          return nil
        }
        return "/etc/subuid:\(index + 1):1: warning: \(ranges[index]) overlaps \(ranges[other]) on line \(other + 1)"
      }
      let file = SubordinateIDFile.parse(Array(text.utf8), file: "/etc/subuid")
      #expect(file.problems.map(\.description) == expected, "\(text)")
    }
  }

  @Test("a plain file, cut on its bytes, reads as when cut by characters: lines, ranges, problems")
  func bytesMatchCharacters() {
    var generator = SystemRandomNumberGenerator()
    let pieces = [
      "alice:100000:65536", "bob:x:1", "", "carol:120000:10", "dave:4294967295:2", "eve:1:0",
      "f:2", ":5:5", "g:165536:65536:9", "alice:165536:65536",
    ]
    for _ in 0..<200 {
      let count = Int.random(in: 0...8, using: &generator)
      var text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
        .joined(separator: "\n")
      if Bool.random(using: &generator) { text += "\n" }
      let file = SubordinateIDFile.parse(Array(text.utf8), file: "/etc/subuid")
      #expect(file.text == text, "\(text.debugDescription)")
      // A last line with a non-ASCII owner sends the same text down the character path.
      guard !text.isEmpty && text.hasSuffix("\n") else { continue }
      let wide = SubordinateIDFile.parse(Array((text + "\u{e9}:1:1\n").utf8), file: "/etc/subuid")
      let last = file.lines.count + 1
      #expect(wide.lines.dropLast() == file.lines[...], "\(text.debugDescription)")
      #expect(wide.records.filter { $0.line != last } == file.records, "\(text.debugDescription)")
      #expect(
        wide.problems.filter { $0.position?.line != last }.map(\.description)
          == file.problems.map(\.description), "\(text.debugDescription)")
    }
  }
}
