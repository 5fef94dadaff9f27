import Core
import TestSupport
import Testing

/// `Ledger.addresses(of:)` answers from an index made once per set of entries; these check
/// that the index never outlives the entries it was made from.
@Suite struct LedgerAddressIndexTests {
  static func entry(_ plugin: String) -> Ledger.Entry {
    Ledger.Entry(plugin: plugin, applied: "a", declared: "a", created: true)
  }

  @Test("each plugin's addresses, sorted by kind then name")
  func sortedByPlugin() {
    var ledger = Ledger()
    ledger["user:b"] = Self.entry("users")
    ledger["unit:z.service"] = Self.entry("units")
    ledger["group:c"] = Self.entry("users")
    ledger["user:a"] = Self.entry("users")
    ledger["drop-in:z.service/x.conf"] = Self.entry("units")
    #expect(ledger.addresses(of: "users") == ["group:c", "user:a", "user:b"])
    #expect(ledger.addresses(of: "units") == ["drop-in:z.service/x.conf", "unit:z.service"])
    #expect(ledger.addresses(of: "linger").isEmpty)
    #expect(ledger.addresses(of: "users", kind: "user") == ["user:a", "user:b"])
    #expect(ledger.addresses(of: "users", kind: "group") == ["group:c"])
    #expect(ledger.addresses(of: "units", kind: "drop-in") == ["drop-in:z.service/x.conf"])
    #expect(ledger.addresses(of: "units", kind: "user").isEmpty)
    #expect(ledger.addresses(of: "linger", kind: "user").isEmpty)
  }

  @Test("a change after the index was made is seen, through the subscript and through entries")
  func changesAreSeen() {
    var ledger = Ledger()
    ledger["user:a"] = Self.entry("users")
    #expect(ledger.addresses(of: "users") == ["user:a"])
    ledger["user:b"] = Self.entry("users")
    #expect(ledger.addresses(of: "users") == ["user:a", "user:b"])
    ledger.entries["user:a"] = nil
    #expect(ledger.addresses(of: "users") == ["user:b"])
    ledger.entries["user:b"]?.plugin = "linger"
    #expect(ledger.addresses(of: "users").isEmpty)
    #expect(ledger.addresses(of: "linger") == ["user:b"])
    #expect(ledger.addresses(of: "linger", kind: "user") == ["user:b"])
  }

  @Test("copies changed apart, before or after either asked, each answer from its own entries")
  func copiesStayApart() {
    var original = Ledger()
    original["user:a"] = Self.entry("users")
    var first = original
    var second = original
    first["user:b"] = Self.entry("users")
    second["user:c"] = Self.entry("users")
    #expect(second.addresses(of: "users") == ["user:a", "user:c"])
    #expect(first.addresses(of: "users") == ["user:a", "user:b"])
    #expect(original.addresses(of: "users") == ["user:a"])
    first["user:d"] = Self.entry("users")
    #expect(first.addresses(of: "users") == ["user:a", "user:b", "user:d"])
    #expect(second.addresses(of: "users") == ["user:a", "user:c"])
    #expect(original.addresses(of: "users") == ["user:a"])
  }

  @Test("a ledger read from its file, then its journal replayed, answers from both")
  func readLedger() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let state = HostPath("/var/lib/reconcile")!
    var ledger = Ledger()
    ledger["user:a"] = Self.entry("users")
    ledger["unit:a.service"] = Self.entry("units")
    try ledger.store(in: fs, stateDirectory: state, previous: nil)
    let read = try Ledger.load(from: fs, stateDirectory: state)
    #expect(read.addresses(of: "users") == ["user:a"])
    #expect(read.addresses(of: "units") == ["unit:a.service"])
    #expect(read == ledger)

    let (_, journal) = try Ledger.open(from: fs, stateDirectory: state)
    try journal.record("user:b", plugin: "users")
    let replayed = try Ledger.load(from: fs, stateDirectory: state)
    #expect(replayed.addresses(of: "users") == ["user:a", "user:b"])
  }

  @Test("entries(of:) gives each entry with its address, as the subscript does, in every copy")
  func entriesWithTheirAddresses() {
    var ledger = Ledger()
    ledger["user:b"] = Ledger.Entry(plugin: "users", applied: "b", declared: "b", created: true, facts: ["uid": "1001"])
    ledger["group:b"] = Self.entry("users")
    ledger["user:a"] = Ledger.Entry(plugin: "users", applied: "a", declared: "a", created: false)
    ledger["unit:z.service"] = Self.entry("units")
    func described(_ ledger: Ledger, _ plugin: String, _ kind: String? = nil) -> [String] {
      ledger.entries(of: plugin, kind: kind).map { "\($0.address) \($0.entry.applied) \($0.entry.created)" }
    }
    #expect(described(ledger, "users") == ["group:b a true", "user:a a false", "user:b b true"])
    #expect(described(ledger, "users", "user") == ["user:a a false", "user:b b true"])
    #expect(ledger.entries(of: "users", kind: "user").last?.entry.facts["uid"] == "1001")
    #expect(ledger.entries(of: "linger").isEmpty)
    for (address, entry) in ledger.entries(of: "users") { #expect(ledger[address] == entry) }
    // A copy changed after the original's index was made answers from its own entries.
    var copy = ledger
    copy["user:a"] = nil
    copy["user:c"] = Ledger.Entry(plugin: "users", applied: "c", declared: "c", created: true)
    #expect(described(copy, "users", "user") == ["user:b b true", "user:c c true"])
    #expect(described(ledger, "users", "user") == ["user:a a false", "user:b b true"])
  }
}
