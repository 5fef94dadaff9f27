import Testing

@testable import Core

/// `LedgerTable.Builder.appendWritten`: the entry lines `Ledger.writeFile` writes go into the
/// table straight from their bytes, to the same entries the JSON scanner reads; every other
/// line is declined, with nothing added, for the scanner to read.
@Suite struct LedgerWrittenLineTests {
  /// Entries covering each optional field, and strings the fast reader must decline.
  static let entries: [String: Ledger.Entry] = {
    var interrupted = Ledger.Entry.interrupted(plugin: "users")
    interrupted.facts = ["uid": "1000"]
    return [
      "user:alice": .init(plugin: "users", applied: "sha256:aa", declared: "sha256:aa", created: true),
      "unit:a.service": .init(
        plugin: "units", applied: "sha256:bb", declared: "sha256:cc", created: false,
        facts: ["path": "/etc/systemd/system/a.service", "scope": "system", "a": ""]),
      "subids:alice": .init(
        plugin: "subids", applied: "x", declared: "x", created: true, facts: ["start": "100000"]),
      "group:staff": interrupted,
      "bare": .init(plugin: "users", applied: "", declared: "", created: true),
      // Declined: an escape, non-ASCII, a control character, each in a different field.
      "unit:quote\"d.service": .init(plugin: "units", applied: "a", declared: "a", created: true),
      "user:bob": .init(plugin: "users", applied: "é", declared: "é", created: true),
      "user:carol": .init(
        plugin: "users", applied: "a", declared: "a", created: true, facts: ["note": "tab\there"]),
    ]
  }()

  /// The entry lines `writeFile` writes for `entries`, without their commas.
  static func lines(of entries: [String: Ledger.Entry]) -> [ArraySlice<UInt8>] {
    var ledger = Ledger()
    ledger.entries = entries
    var file: [UInt8] = []
    ledger.writeFile { file += $0 }
    return file.split(separator: UInt8(ascii: "\n")).filter { $0.first == UInt8(ascii: "{") }
      .dropFirst()  // the header's first line
      .map { $0.last == UInt8(ascii: ",") ? $0.dropLast() : $0 }
  }

  /// The line read by the JSON scanner.
  static func scanned(_ line: ArraySlice<UInt8>) throws -> (address: String, entry: Ledger.Entry) {
    var scanner = JSONScanner(Array(line))
    let (address, entry) = try Ledger.readEntry(&scanner)
    let atEnd = scanner.atEnd()
    #expect(atEnd)
    return (try #require(address), entry)
  }

  @Test func writtenLinesAreReadToTheEntriesTheScannerReads() throws {
    let lines = Self.lines(of: Self.entries)
    #expect(lines.count == Self.entries.count)
    var fast = LedgerTable.Builder()
    var declined: [String] = []
    for line in lines {
      let (address, entry) = try Self.scanned(line)
      if !fast.appendWritten(line) {
        declined.append(address)
        fast.append(address: address, entry: entry)
      }
    }
    #expect(declined.sorted() == ["unit:quote\"d.service", "user:bob", "user:carol"])
    let table = try #require(LedgerTable.make(fast))
    var read: [String: Ledger.Entry] = [:]
    for position in table.positions { read[table.key(at: position)] = table.entry(at: position) }
    #expect(read == Self.entries)
    #expect(table.address(at: try #require(table.find(key: "bare"))) == Address("bare", ""))
    #expect(table.positions(of: "users", kind: "user").count == 3)
  }

  @Test(
    "lines not exactly as written are declined, with nothing added",
    arguments: [
      #"{"address": "user:a","plugin":"users","applied":"x","created":true}"#,
      #"{"plugin":"users","address":"user:a","applied":"x","created":true}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"interrupted":false}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"interrupted":null}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"facts":{"b":"1","a":"2"}}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"facts":{"a":"1","a":"2"}}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"facts":{"a":1}}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true} "#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":1}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true,"extra":1}"#,
      #"{"address":"user:a","plugin":"users","applied":"x\u0041","created":true}"#,
      #"{"address":"user:a","plugin":"users","applied":"x","created":true"#,
      #"{"address":"user:a","plugin":"users","applied":"x"#,
    ])
  func declinedLines(line: String) throws {
    var builder = LedgerTable.Builder()
    let first = builder.appendWritten(
      Array(#"{"address":"user:z","plugin":"users","applied":"y","created":true}"#.utf8)[...])
    #expect(first)
    let before = (builder.bytes, builder.records.count)
    let added = builder.appendWritten(Array(line.utf8)[...])
    #expect(!added)
    #expect(builder.bytes == before.0 && builder.records.count == before.1)
  }

  @Test func emptyFactsAndASharedPluginAreAccepted() throws {
    var builder = LedgerTable.Builder()
    let lines = [
      #"{"address":"user:a","plugin":"users","applied":"x","declared":"x","created":true,"facts":{}}"#,
      #"{"address":"user:b","plugin":"users","applied":"x","created":false,"facts":{"k":"v"},"interrupted":true}"#,
    ]
    for line in lines {
      let added = builder.appendWritten(Array(line.utf8)[...])
      #expect(added, "\(line)")
    }
    let table = try #require(LedgerTable.make(builder))
    let a = table.entry(at: try #require(table.find(key: "user:a")))
    #expect(a == .init(plugin: "users", applied: "x", declared: "x", created: true))
    let b = table.entry(at: try #require(table.find(key: "user:b")))
    var expected = Ledger.Entry(plugin: "users", applied: "x", declared: "x", created: false, facts: ["k": "v"])
    expected.interrupted = true
    #expect(b == expected)
    #expect(table.positions(of: "users", kind: nil).count == 2)
  }
}
