import Foundation
import SystemCalls
import TestSupport
import Testing

@testable import Core

/// Fingerprints of repository files with the identities that let later runs skip reading
/// them: `SHA256.Hasher`, `DirectoryTree`'s stamps (and the racily clean case), the text the
/// ledger keeps, and `RecordedFingerprints`.
@Suite("File fingerprints and identities")
struct FileFingerprintTests {
  /// A window short enough for tests to wait it out: 100 ms.
  static let window: Int64 = 100_000_000

  /// Writes `bytes` to `relative` in the scratch folder (created or truncated).
  func write(_ bytes: [UInt8], to relative: String, in scratch: ScratchDirectory) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: scratch.join(relative)))
  }

  /// Overwrites the file in place, keeping its size and inode, then sets its modification
  /// time back to `modified` (`utimensat`): only the status change time still tells.
  func overwrite(
    _ relative: String, with bytes: [UInt8], modified: Int64, in scratch: ScratchDirectory
  ) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.join(relative)))
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
    let folder = try Descriptor.open(scratch.path, flags: OpenFlags.readOnly | OpenFlags.directory)
    try folder.setTimes(of: relative, accessed: modified, modified: modified)
  }

  func stamp(_ identity: FileIdentity?) throws -> FileStamp {
    guard case .stamp(let stamp)? = identity else {
      throw StateTreeError(path: "", reason: "no stamp: \(String(describing: identity))")
    }
    return stamp
  }

  @Test("hashing in pieces of any size gives the one-shot digest")
  func hasherMatchesDigest() {
    let message = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
    for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 200_003] {
      let bytes = Array(message.prefix(length))
      for piece in [1, 7, 64, 100, 65536] {
        var hasher = SHA256.Hasher()
        var start = 0
        while start < bytes.count {
          hasher.update(Array(bytes[start..<min(start + piece, bytes.count)]))
          start += piece
        }
        #expect(hasher.hex() == SHA256.hex(bytes), "length \(length), pieces of \(piece)")
      }
    }
    var empty = SHA256.Hasher()
    empty.update([])
    #expect(empty.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test("a file older than the window is read with a stamp that identifies it without reading")
  func settledFileHasStamp() throws {
    let scratch = try ScratchDirectory("fingerprint")
    let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0) }
    try write(bytes, to: "archive.tar", in: scratch)
    try sleep(milliseconds: 150)
    let tree = DirectoryTree(path: scratch.path, racyWindow: Self.window)
    let fingerprint = try tree.fingerprint(of: "archive.tar", limit: 1 << 20)
    #expect(fingerprint.sha256 == "sha256:" + SHA256.hex(bytes))
    #expect(fingerprint.size == bytes.count)
    let recorded = try stamp(fingerprint.identity)
    #expect(recorded.size == bytes.count)
    #expect(try tree.identity(of: "archive.tar") == fingerprint.identity)
    // Recorded with a fingerprint no read could give: handed back, so nothing was read.
    let marked = FileFingerprint(sha256: "sha256:recorded", size: bytes.count, identity: fingerprint.identity)
    #expect(try tree.fingerprint(of: "archive.tar", limit: 1 << 20, recorded: [marked]) == marked)
    // The bytes with their fingerprint, for a load.
    let (read, again) = try tree.contentsAndFingerprint(of: "archive.tar", limit: 1 << 20, settle: false)
    #expect(read == bytes)
    #expect(again == fingerprint)
  }

  @Test("a file changed within the window gets no stamp (racily clean), and settle waits it out")
  func racyFileHasNoStamp() throws {
    let scratch = try ScratchDirectory("fingerprint")
    try write(Array("fresh".utf8), to: "archive.tar", in: scratch)
    // The default window: two seconds, and the file is a moment old.
    let tree = DirectoryTree(path: scratch.path)
    let fingerprint = try tree.fingerprint(of: "archive.tar", limit: 100)
    #expect(fingerprint.sha256 == "sha256:" + SHA256.hex("fresh"))
    #expect(fingerprint.identity == nil)

    let short = DirectoryTree(path: scratch.path, racyWindow: 300_000_000)
    try write(Array("fresh again".utf8), to: "archive.tar", in: scratch)
    let started = wallClockNanoseconds()
    let settled = try short.fingerprint(of: "archive.tar", limit: 100, settle: true)
    let waited = wallClockNanoseconds() - started
    let recorded = try stamp(settled.identity)
    #expect(recorded.changed < started + 1_000_000)
    #expect(waited >= 200_000_000, "waited \(waited) ns")
    #expect(waited < 2_000_000_000, "waited \(waited) ns")
  }

  @Test("bytes changed in place with the same size and modification time are seen")
  func sameSizeSameTimeChangeIsSeen() throws {
    let scratch = try ScratchDirectory("fingerprint")
    let before = Array(repeating: UInt8(ascii: "a"), count: 4096)
    let after = Array(repeating: UInt8(ascii: "b"), count: 4096)
    try write(before, to: "archive.tar", in: scratch)
    try sleep(milliseconds: 150)
    let tree = DirectoryTree(path: scratch.path, racyWindow: Self.window)
    let recorded = try tree.fingerprint(of: "archive.tar", limit: 1 << 20)
    let old = try stamp(recorded.identity)

    try overwrite("archive.tar", with: after, modified: old.modified, in: scratch)
    let now = try stamp(try tree.identity(of: "archive.tar"))
    // What git's index would see as unchanged but for the status change time.
    #expect(now.size == old.size)
    #expect(now.modified == old.modified)
    #expect(now.inode == old.inode)
    #expect(now.changed != old.changed)
    let fingerprint = try tree.fingerprint(of: "archive.tar", limit: 1 << 20, recorded: [recorded])
    #expect(fingerprint.sha256 == "sha256:" + SHA256.hex(after))
    #expect(fingerprint.sha256 != recorded.sha256)
  }

  @Test("a file replaced by another of the same size and modification time is seen")
  func replacementIsSeen() throws {
    let scratch = try ScratchDirectory("fingerprint")
    try write(Array("version 1".utf8), to: "archive.tar", in: scratch)
    try sleep(milliseconds: 150)
    let tree = DirectoryTree(path: scratch.path, racyWindow: Self.window)
    let recorded = try tree.fingerprint(of: "archive.tar", limit: 100)
    let old = try stamp(recorded.identity)
    try write(Array("version 2".utf8), to: "new.tar", in: scratch)
    let folder = try Descriptor.open(scratch.path, flags: OpenFlags.readOnly | OpenFlags.directory)
    try folder.setTimes(of: "new.tar", accessed: old.modified, modified: old.modified)
    try folder.rename("new.tar", to: "archive.tar", in: folder)
    let fingerprint = try tree.fingerprint(of: "archive.tar", limit: 100, recorded: [recorded])
    #expect(fingerprint.sha256 == "sha256:" + SHA256.hex("version 2"))
  }

  @Test("identities refuse symlinks, folders and missing files; reads refuse oversized files")
  func refusals() throws {
    let scratch = try ScratchDirectory("fingerprint")
    try write(Array("x".utf8), to: "file", in: scratch)
    try FileManager.default.createSymbolicLink(atPath: scratch.join("link"), withDestinationPath: "file")
    _ = try scratch.sub("folder")
    let tree = DirectoryTree(path: scratch.path)
    #expect(throws: (any Error).self) { _ = try tree.identity(of: "link") }
    #expect(throws: (any Error).self) { _ = try tree.identity(of: "folder") }
    #expect(throws: (any Error).self) { _ = try tree.identity(of: "missing") }
    #expect(throws: (any Error).self) { _ = try tree.identity(of: "../file") }
    #expect(throws: StateTreeError.self) { _ = try tree.fingerprint(of: "file", limit: 0) }
  }

  @Test("the ledger's text of a fingerprint reads back; malformed text reads as nothing")
  func text() {
    let stamp = FileStamp(
      device: 2049, inode: 77, size: 12, modified: 1_700_000_000_123_456_789, changed: 1_700_000_001_000_000_000)
    let cases = [
      FileFingerprint(sha256: "sha256:ab", size: 12, identity: .stamp(stamp)),
      FileFingerprint(sha256: "sha256:cd", size: 0, identity: .blob("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")),
      FileFingerprint(sha256: "sha256:ef", size: 3, identity: nil),
    ]
    for fingerprint in cases {
      #expect(FileFingerprint(fingerprint.description) == fingerprint)
    }
    #expect(cases[0].description == "sha256:ab 12 stat:2049:77:12:1700000000123456789:1700000001000000000")
    for bad in ["", "sha256:ab", "md5:ab 1 -", "sha256:ab x -", "sha256:ab 1 stat:1:2", "sha256:ab 1 git:xyz"] {
      #expect(FileFingerprint(bad) == nil, "\(bad)")
    }
  }

  @Test("recorded fingerprints are found by path among the plugin's ledger entries")
  func recordedInLedger() {
    let fingerprint = FileFingerprint(sha256: "sha256:ab", size: 1, identity: .blob("0123"))
    var ledger = Ledger()
    var entry = Ledger.Entry(
      plugin: "podman", applied: "sha256:ab", declared: "sha256:ab", created: true, facts: ["user": "bot"])
    entry.facts.record(fingerprint, of: "roles/bot/files/bot.tar")
    #expect(entry.facts["user"] == "bot")
    ledger[Address("image", "bot")] = entry
    var other = entry
    other.plugin = "units"
    ledger[Address("unit", "x")] = other
    let recorded = RecordedFingerprints(ledger: ledger)
    #expect(recorded.fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman") == [fingerprint])
    #expect(recorded.fingerprints(of: "roles/bot/files/other.tar", plugin: "podman").isEmpty)
    #expect(RecordedFingerprints().fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman").isEmpty)
    entry.facts.record(nil, of: "")
    #expect(entry.facts["file"] == nil && entry.facts["file-fingerprint"] == nil && entry.facts["user"] == "bot")
  }

  @Test("recorded fingerprints read from the ledger's file when first asked, without the rest")
  func recordedInLedgerFile() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let state = HostPath("/var/lib/reconcile")!
    let fingerprint = FileFingerprint(sha256: "sha256:ab", size: 1, identity: .blob("0123"))
    var ledger = Ledger()
    for index in 0..<2000 {
      ledger[Address("unit", "u\(index).service")] = .init(
        plugin: "units", applied: "a", declared: "a", created: true, facts: ["path": "/x/\(index)"])
    }
    var entry = Ledger.Entry(plugin: "podman", applied: "sha256:ab", declared: "sha256:ab", created: true)
    entry.facts.record(fingerprint, of: "roles/bot/files/bot.tar")
    ledger[Address("image", "bot")] = entry
    // Asked for before the ledger exists: nothing recorded, and nothing is read later.
    let early = RecordedFingerprints(fs: fs, stateDirectory: state)
    #expect(early.fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman").isEmpty)
    try ledger.store(in: fs, stateDirectory: state, previous: nil)
    #expect(early.fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman").isEmpty)

    let recorded = RecordedFingerprints(fs: fs, stateDirectory: state)
    #expect(recorded.fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman") == [fingerprint])
    #expect(recorded.fingerprints(of: "roles/bot/files/bot.tar", plugin: "units").isEmpty)
    let file = try #require(try fs.read(state.child("ledger.json")))
    #expect(file.count > 3 * LedgerFileReader.pieceSize)

    // A damaged ledger records nothing: every file is read (the run reports the ledger).
    try fs.write(state.child("ledger.json"), Array("{".utf8), mode: 0o600)
    let damaged = RecordedFingerprints(fs: fs, stateDirectory: state)
    #expect(damaged.fingerprints(of: "roles/bot/files/bot.tar", plugin: "podman").isEmpty)
  }

  @Test("the entries with a fact, read streamed or whole, are those of the ledger that have it")
  func entriesWithAFact() throws {
    let scratch = try ScratchDirectory()
    let fs = try RootedFileSystem(root: scratch.path)
    let state = HostPath("/var/lib/reconcile")!
    var ledger = Ledger()
    for index in 0..<300 {
      var facts: Ledger.Facts = ["path": "/x/\(index)"]
      // A value holding the key's text does not make an entry have the fact.
      if index % 3 == 0 { facts["file-fingerprint"] = "sha256:\(index) 1 -" }
      if index % 5 == 0 { facts["note"] = #""file-fingerprint":"# }
      ledger[Address("unit", "u\(index)")] = .init(
        plugin: "units", applied: "a", declared: "a", created: true, facts: facts)
    }
    try ledger.store(in: fs, stateDirectory: state, previous: nil)
    let expected = ledger.entries.filter { $0.value.facts["file-fingerprint"] != nil }
    #expect(expected.count == 100)
    let path = state.child("ledger.json")
    #expect(try Self.entries(withFact: "file-fingerprint", in: fs, at: path) == expected)
    // Reformatted (one more line break): read whole, the same entries.
    let text = String(decoding: try #require(try fs.read(path)), as: UTF8.self)
    try fs.write(path, Array(text.replacingOccurrences(of: ",\"plugin\":", with: ",\n\"plugin\":").utf8), mode: 0o600)
    #expect(try Self.entries(withFact: "file-fingerprint", in: fs, at: path) == expected)
  }

  static func entries(
    withFact key: String, in fs: RootedFileSystem, at path: HostPath
  ) throws -> [String: Ledger.Entry] {
    guard let file = try fs.openFile(path) else { throw InternalError("\(path) is missing") }
    return try LedgerFileReader.entries(file, withFact: key)
  }

  /// Lets the file times of a write age past the test window.
  func sleep(milliseconds: Int64) throws {
    SystemCalls.sleep(nanoseconds: milliseconds * 1_000_000)
  }
}
