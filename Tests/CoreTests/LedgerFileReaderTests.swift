import Foundation
import TestSupport
import Testing

@testable import Core

/// `LedgerFileReader` reads the layout `Ledger.writeFile` writes line by line, and anything
/// else whole: these check that both ways give the same ledger, or the same refusal.
@Suite struct LedgerFileReaderTests {
  static let state = HostPath("/var/lib/reconcile")!

  /// A ledger of `count` entries and a memory whose line is longer than a read's piece.
  static func ledger(entries count: Int) -> Ledger {
    var ledger = Ledger()
    for i in 0..<count {
      ledger[Address("unit", "job\(i).service")] = .init(
        plugin: i % 2 == 0 ? "units" : "hardening", applied: "sha256:\(i)",
        declared: i % 3 == 0 ? "other \(i)" : "sha256:\(i)", created: i % 5 != 0,
        facts: i % 7 == 0 ? [:] : ["path": "/etc/systemd/system/job\(i).service", "n": "\"\\\(i)"])
    }
    ledger.memory["users"] = Dictionary(uniqueKeysWithValues: (0..<5000).map { ("uid:\($0)", "u\($0)") })
    return ledger
  }

  /// The file `ledger` is stored as.
  static func stored(_ ledger: Ledger) throws -> [UInt8] {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    try ledger.store(in: fs, stateDirectory: state, previous: nil)
    return try #require(try fs.read(state.child("ledger.json")))
  }

  /// A ledger read, or the text of the error that refused it.
  enum Outcome: Equatable {
    case read(Ledger)
    case refused(String)

    init(_ body: () throws -> Ledger) {
      do { self = .read(try body()) } catch { self = .refused("\(error)") }
    }
  }

  /// What each way makes of `bytes`: the streamed read (nil when it declines), the reader's
  /// answer, and the whole-file parse's.
  static func readEachWay(_ bytes: [UInt8]) throws -> (
    streamed: Ledger?, read: Outcome, whole: Outcome
  ) {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let path = state.child("ledger.json")
    try fs.makeFolders(state)
    try fs.write(path, bytes, mode: 0o600)
    guard let file = try fs.openFile(path) else { throw InternalError("\(path) vanished") }
    let streamed = try LedgerFileReader.streamed(file)?.ledger
    let read = Outcome { try LedgerFileReader.read(file).ledger }
    var generation = ""
    let whole = Outcome { try Ledger(file: bytes, generation: &generation) }
    return (streamed, read, whole)
  }

  @Test func factsAreReadFromTheFileAsWritten() throws {
    func read(_ bytes: [UInt8]) throws -> Ledger.Facts {
      var scanner = JSONScanner(bytes)
      return try Ledger.Facts(reading: &scanner)
    }
    func read(_ json: String) throws -> Ledger.Facts { try read(Array(json.utf8)) }
    #expect(try read(#"{"gid":"12","path":"/etc/a","uid":"9"}"#) == ["uid": "9", "gid": "12", "path": "/etc/a"])
    #expect(try read("{}") == Ledger.Facts())
    // Escapes, non-ASCII and empty values.
    #expect(
      try read(#"{"links":"/a -> b\n/c -> d","name":"é\u00e9","q":"\"","x":""}"#)
        == ["links": "/a -> b\n/c -> d", "name": "éé", "q": "\"", "x": ""])
    // Out of order, and a key twice: sorted, and the last value counts.
    #expect(try read(#"{"uid":"9","gid":"12","uid":"10"}"#) == ["gid": "12", "uid": "10"])
    #expect(Array(try read(#"{"b":"1","a":"2"}"#)).map(\.key) == ["a", "b"])
    // Refused: a value that is no string, a control character, bytes that are not UTF-8.
    #expect(throws: JSONScanner.Error.self) { try read(#"{"a":1}"#) }
    #expect(throws: JSONScanner.Error.self) { try read("{\"a\":\"\u{01}\"}") }
    #expect(throws: JSONScanner.Error.self) { try read([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) }
    #expect(throws: JSONScanner.Error.self) { try read(#"{"a":"open"#) }
  }

  @Test("what writeFile writes is streamed, and is what the whole-file parse reads", arguments: [0, 1, 3000])
  func streamsWhatItWrites(entries: Int) throws {
    let ledger = Self.ledger(entries: entries)
    let bytes = try Self.stored(ledger)
    if entries == 3000 { #expect(bytes.count > 4 * LedgerFileReader.pieceSize) }
    let (streamed, read, whole) = try Self.readEachWay(bytes)
    #expect(streamed == ledger)
    #expect(read == .read(ledger))
    #expect(whole == .read(ledger))
    #expect(streamed?.addresses(of: "units").count == (entries + 1) / 2)
  }

  @Test("the generation is read either way")
  func generation() throws {
    let bytes = try Self.stored(Self.ledger(entries: 2))
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    try fs.makeFolders(Self.state)
    try fs.write(Self.state.child("ledger.json"), bytes, mode: 0o600)
    guard let file = try fs.openFile(Self.state.child("ledger.json")) else {
      throw InternalError("the ledger vanished")
    }
    var generation = ""
    _ = try Ledger(file: bytes, generation: &generation)
    #expect(generation.count == 32)
    #expect(try LedgerFileReader.streamed(file)?.generation == generation)
  }

  /// Files that start as `writeFile` writes but differ later, each as a change of the text.
  static let variations: [(String, @Sendable (String) -> String)] = [
    ("a trailing comma before ]}", { $0.replacingOccurrences(of: "}\n]}", with: "},\n]}") }),
    ("an entry split over two lines", { $0.replacingOccurrences(of: #","plugin":"#, with: ",\n\"plugin\":") }),
    ("no final newline", { String($0.dropLast()) }),
    ("a blank line at the end", { $0 + "\n" }),
    ("text after ]}", { $0 + "x\n" }),
    (
      "an address twice",
      { text in
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = lines.firstIndex { $0.hasPrefix(#"{"address":"#) }!
        var copy = lines
        copy.insert(lines[first], at: first + 1)
        return copy.joined(separator: "\n")
      }
    ),
    ("no ]}", { $0.replacingOccurrences(of: "\n]}\n", with: "\n") }),
    ("a damaged entry", { $0.replacingOccurrences(of: #""created":true"#, with: #""created":tru"#) }),
    ("an entry without address", { $0.replacingOccurrences(of: #"{"address":"unit:job1.service","#, with: "{") }),
    ("version 3", { $0.replacingOccurrences(of: #"{"version":2,"#, with: #"{"version":3,"#) }),
  ]

  @Test("any other layout is read whole: the same ledger or the same refusal", arguments: 0..<10)
  func otherLayoutsAreReadWhole(variation: Int) throws {
    let (name, change) = Self.variations[variation]
    let text = String(decoding: try Self.stored(Self.ledger(entries: 40)), as: UTF8.self)
    let changed = change(text)
    #expect(changed != text, "\(name)")
    let (streamed, read, whole) = try Self.readEachWay(Array(changed.utf8))
    #expect(streamed == nil, "\(name)")
    #expect(read == whole, "\(name)")
  }

  @Test("a large ledger laid out otherwise near its start is read whole, to its last entry")
  func largeLedgerReadWholeAfterAnEarlyStop() throws {
    // The streamed read stops at the first line out of place (in the first of several
    // pieces); the whole read must still see every piece.
    let ledger = Self.ledger(entries: 3000)
    let text = String(decoding: try Self.stored(ledger), as: UTF8.self)
    let first = try #require(text.range(of: #","plugin":"#))
    let changed = text.replacingCharacters(in: first, with: ",\n\"plugin\":")
    #expect(changed.utf8.count > 4 * LedgerFileReader.pieceSize)
    let (streamed, read, whole) = try Self.readEachWay(Array(changed.utf8))
    #expect(streamed == nil)
    #expect(read == .read(ledger))
    #expect(whole == .read(ledger))
  }

  @Test("a version 1 ledger is read whole")
  func versionOne() throws {
    let (streamed, read, whole) = try Self.readEachWay(Array(LedgerFileTests.versionOne.utf8))
    #expect(streamed == nil)
    #expect(read == whole)
    guard case .read(let ledger) = read else {
      Issue.record("a version 1 ledger was refused: \(read)")
      return
    }
    #expect(!ledger.entries.isEmpty)
  }
}
