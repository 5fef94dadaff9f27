import Core
import Foundation
import Testing

@Suite struct LedgerFactsTests {
  @Test func readsAndWritesLikeADictionary() {
    var facts: Ledger.Facts = ["uid": "9999", "remove": "lock"]
    #expect(facts["uid"] == "9999")
    #expect(facts["remove"] == "lock")
    #expect(facts["gid"] == nil)
    #expect(facts["ui"] == nil && facts["uidx"] == nil)
    facts["gid"] = "12"
    facts["uid"] = "1000"
    #expect(Array(facts).map { $0.key } == ["gid", "remove", "uid"])
    #expect(facts["uid"] == "1000" && facts["gid"] == "12")
    facts["remove"] = nil
    facts["absent"] = nil
    #expect(Array(facts).map { $0.key } == ["gid", "uid"])
    facts["gid"] = nil
    facts["uid"] = nil
    #expect(facts.isEmpty && facts == Ledger.Facts())
  }

  @Test func keepsEveryStringAsItWas() {
    // Colons and digits in keys and values, lengths of two digits, empty strings, non-ASCII.
    let awkward = "12:3 quote \" colon : nul \u{00} é 🙂 and a path /etc/systemd/system/a.service.d"
    let dictionary = [awkward: awkward, "": "", "1:": "2:", "path": "", "x": awkward + awkward]
    let facts = Ledger.Facts(dictionary)
    for (key, value) in dictionary { #expect(facts[key] == value, "\(key)") }
    #expect(Dictionary(uniqueKeysWithValues: facts.map { ($0.key, $0.value) }) == dictionary)
    #expect(Array(facts).map { $0.key } == dictionary.keys.sorted())
    var literal: Ledger.Facts = [:]
    for (key, value) in dictionary.shuffled() { literal[key] = value }
    #expect(literal == facts)
    #expect(facts != ["": ""])
  }

  @Test func encodesAsAJSONObject() throws {
    let facts: Ledger.Facts = ["path": "/etc/a", "user": "u1"]
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(facts), as: UTF8.self)
    #expect(json == #"{"path":"\/etc\/a","user":"u1"}"#)
    #expect(try JSONDecoder().decode(Ledger.Facts.self, from: Data(json.utf8)) == facts)
    #expect("\(facts)" == #"["path": "/etc/a", "user": "u1"]"#)
  }
}
