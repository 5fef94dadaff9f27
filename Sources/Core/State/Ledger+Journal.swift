import SystemCalls

/// Reading the ledger together with its checkpoint journal (`LedgerJournal`).
extension Ledger {
  /// The ledger as a run finds it: the file, with the checkpoint journal of a run killed
  /// before its final write replayed as `interrupted` entries; and that journal, for the run
  /// to append to. Reads only.
  public static func open(
    from fs: RootedFileSystem, stateDirectory: HostPath
  ) throws -> (ledger: Ledger, journal: LedgerJournal) {
    var ledger = Ledger()
    var generation = ""
    let file = stateDirectory.child(path)
    if let reader = try fs.openFile(file) {
      do {
        (ledger, generation) = try LedgerFileReader.read(reader)
      } catch let error as SystemCallError {
        throw error
      } catch {
        throw FileSystemError(
          path: fs.realPath(file),
          reason:
            "is not a valid ledger (\(error)); move it aside to let reconcile start afresh, knowing it then forgets what it created"
        )
      }
    }
    let journalPath = stateDirectory.child(LedgerJournal.fileName)
    var replayed = false
    var stale = false
    if let bytes = try fs.read(journalPath, limit: LedgerJournal.sizeLimit) {
      do {
        replayed = try replay(journal: bytes, generation: generation, into: &ledger)
        stale = !replayed
      } catch {
        throw FileSystemError(
          path: fs.realPath(journalPath),
          reason:
            "is not a valid ledger journal (\(error)); move it aside, knowing reconcile then forgets what a killed run created"
        )
      }
    }
    let journal = LedgerJournal(
      fs: fs, stateDirectory: stateDirectory, generation: generation, replayed: replayed,
      stale: stale)
    return (ledger, journal)
  }

  /// Adds the journal's claims to the ledger as `interrupted` entries when the journal was
  /// written against `generation`; false (nothing added) when it was not, or its header is
  /// missing or torn. Only complete lines count.
  static func replay(
    journal bytes: [UInt8], generation: String, into ledger: inout Ledger
  ) throws -> Bool {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    lines.removeLast()  // what follows the last newline: empty, or a torn append
    guard let header = lines.first,
      let written = try? journalHeader(Array(header)), written == generation
    else { return false }
    for line in lines.dropFirst() {
      var scanner = JSONScanner(Array(line))
      var address: String?
      var plugin: String?
      try scanner.readObject { scanner, key in
        switch key {
        case "address": address = try scanner.readString()
        case "plugin": plugin = try scanner.readString()
        default: try scanner.skipValue()
        }
      }
      guard scanner.atEnd(), let address, let plugin else {
        throw JSONScanner.Error(offset: 0, reason: "a line without address or plugin")
      }
      ledger.set(address, .interrupted(plugin: plugin))
    }
    return true
  }

  /// The ledger generation a journal's first line names.
  private static func journalHeader(_ line: [UInt8]) throws -> String? {
    var scanner = JSONScanner(line)
    var version: Int?
    var generation: String?
    try scanner.readObject { scanner, key in
      switch key {
      case "journal": version = try scanner.readInt()
      case "ledger": generation = try scanner.readString()
      default: try scanner.skipValue()
      }
    }
    guard scanner.atEnd(), version == 1 else { return nil }
    return generation
  }
}
