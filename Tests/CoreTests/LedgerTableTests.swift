import TestSupport
import Testing

@testable import Core

/// The compact table a ledger keeps its entries in as read (`LedgerTable`), and the changes a
/// ledger keeps beside it.
@Suite struct LedgerTableTests {
  static let entries: [String: Ledger.Entry] = {
    var entries: [String: Ledger.Entry] = [:]
    for i in 0..<300 {
      let name = "u\(i)"
      entries["user:\(name)"] = Ledger.Entry(
        plugin: "users", applied: "home=/home/\(name)", declared: "uid=auto home=/home/\(name)", created: i % 3 != 0,
        facts: ["uid": "\(1000 + i)", "remove": "lock"])
      entries["unit:job\(i).service"] = Ledger.Entry(
        plugin: "units", applied: "sha256:\(i)", declared: "sha256:\(i)", created: true,
        facts: ["path": "/etc/systemd/system/job\(i).service"])
    }
    var interrupted = Ledger.Entry.interrupted(plugin: "podman")
    entries["container:web"] = interrupted
    interrupted.interrupted = false
    entries["image:web"] = interrupted
    entries["bare"] = Ledger.Entry(plugin: "linger", applied: "", declared: "", created: true)
    entries["drop-in-x:a"] = Ledger.Entry(plugin: "units", applied: "x", declared: "y", created: false)
    entries["drop-in:a.service/ü.conf"] = Ledger.Entry(plugin: "units", applied: "ü", declared: "ü", created: true)
    return entries
  }()

  /// Those the file keeps as they are (it writes `interrupted` only when true).
  static let stored = entries.filter { $0.value.interrupted != false }

  @Test("every entry is found by its address and by its text, and reads back as it was put in")
  func findsEveryEntry() throws {
    let table = LedgerTable(Self.entries)
    #expect(table.count == Self.entries.count)
    for (key, entry) in Self.entries {
      let byKey = try #require(table.find(key: key))
      #expect(table.key(at: byKey) == key)
      #expect(table.entry(at: byKey) == entry)
      #expect(table.plugin(at: byKey) == entry.plugin)
      #expect(table.find(Address(stringLiteral: key)) == (key.contains(":") ? byKey : nil))
    }
    #expect(table.find(key: "user:nobody") == nil)
    #expect(table.find(Address("user", "nobody")) == nil)
    #expect(table.find(key: "user:u1x") == nil)
    #expect(LedgerTable.empty.find(key: "user:u1") == nil)
  }

  @Test("records are in address order, kind then name, as Address sorts")
  func addressOrder() {
    let table = LedgerTable(Self.entries)
    let keys = table.positions.map(table.key(at:))
    let addresses = keys.filter { $0.contains(":") }.map { Address(stringLiteral: $0) }
    #expect(addresses == addresses.sorted())
    #expect(
      table.addresses(of: "units", kind: nil).map(\.kind) == ["drop-in", "drop-in-x"]
        + Array(repeating: "unit", count: 300))
    #expect(
      table.addresses(of: "users", kind: "user")
        == Self.entries.keys.filter { $0.hasPrefix("user:") }.map { Address(stringLiteral: $0) }.sorted())
    #expect(
      table.positions(of: "users", kind: "user").map { table.address(at: Int($0)) }
        == table.addresses(of: "users", kind: "user"))
    #expect(table.addresses(of: "nobody", kind: nil).isEmpty)
  }

  @Test("a builder given an address twice makes no table; the dictionary path keeps the last")
  func repeatedAddress() {
    var builder = LedgerTable.Builder()
    let first = Ledger.Entry(plugin: "users", applied: "1", declared: "1", created: true)
    let second = Ledger.Entry(plugin: "users", applied: "2", declared: "2", created: true)
    builder.append(address: "user:a", entry: first)
    builder.append(address: "user:b", entry: first)
    #expect(LedgerTable.make(builder) != nil)
    builder.append(address: "user:a", entry: second)
    #expect(LedgerTable.make(builder) == nil)
  }

  @Test("a ledger read from its file answers from the table, and changes are kept beside it")
  func changesBesideTheTable() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let state = HostPath("/var/lib/reconcile")!
    var written = Ledger()
    written.entries = Self.stored
    written.memory = ["users": ["uid:1000": "u0"]]
    try written.store(in: fs, stateDirectory: state, previous: nil)
    let read = try Ledger.load(from: fs, stateDirectory: state)
    #expect(read == written)
    #expect(read.entries == Self.stored)
    #expect(read["user:u5"] == Self.stored["user:u5"])

    var changed = read
    changed["user:u5"] = nil
    changed["user:new"] = Ledger.Entry(plugin: "users", applied: "n", declared: "n", created: true)
    changed["unit:job7.service"]?.plugin = "podman"
    #expect(changed["user:u5"] == nil)
    #expect(read["user:u5"] != nil)
    #expect(changed != read)
    let users = changed.addresses(of: "users", kind: "user")
    #expect(users.count == 300)
    #expect(users.contains("user:new") && !users.contains("user:u5"))
    #expect(users == users.sorted())
    #expect(changed.entries(of: "users", kind: "user").map(\.address) == users)
    #expect(changed.addresses(of: "podman").contains("unit:job7.service"))
    #expect(!changed.addresses(of: "units").contains("unit:job7.service"))
    for (address, entry) in changed.entries(of: "units") { #expect(changed[address] == entry) }

    // Put back as it was: equal again, and storing it writes nothing.
    var restored = changed
    restored["user:u5"] = Self.stored["user:u5"]
    restored["user:new"] = nil
    restored["unit:job7.service"]?.plugin = "units"
    #expect(restored == read)
    try fs.remove(state.child("ledger.json"))
    try restored.store(in: fs, stateDirectory: state, previous: read)
    #expect(try fs.read(state.child("ledger.json")) == nil)

    // Stored changed, it reads back changed, in address order.
    try changed.store(in: fs, stateDirectory: state, previous: read)
    let reread = try Ledger.load(from: fs, stateDirectory: state)
    #expect(reread == changed)
    #expect(reread.entries == changed.entries)
  }

  @Test("entries come in address order, those read and those set since merged, each once")
  func mergedOrder() {
    var ledger = Ledger()
    ledger.entries = Self.entries
    let entry = Ledger.Entry(plugin: "units", applied: "n", declared: "n", created: true)
    for key in ["unit:job150x.service", "aaa:z", "zzz:a", "user:u4", "drop-in:0", "bare"] {
      ledger.set(key, entry)
    }
    ledger.set("user:u3", nil)
    var keys: [String] = []
    ledger.forEachSorted { key, _ in keys.append(key) }
    #expect(keys == keys.sorted(by: LedgerTable.precedes))
    #expect(Set(keys).count == keys.count)
    #expect(keys.count == Self.entries.count + 4 - 1)
    let addresses = keys.filter { $0.contains(":") }.map { Address(stringLiteral: $0) }
    #expect(addresses == addresses.sorted())
    #expect(ledger.entry(key: "user:u4") == entry && ledger.entry(key: "user:u3") == nil)
    #expect(LedgerTable.precedes("bare", "bare:") && !LedgerTable.precedes("bare:", "bare"))
    #expect(LedgerTable.precedes("drop-in:z", "drop-in-x:a") == ("drop-in" < "drop-in-x"))
  }
}
