import SystemCalls

/// The ledger's checkpoint journal, `ledger.journal` beside `ledger.json`: before `apply`
/// creates a resource the ledger does not know yet, one line claiming it goes here, durably,
/// so that a run killed after the creation leaves a record that reconcile made it.
///
/// Appending a line costs one small write and one fsync, where rewriting the whole ledger at
/// every creation made a first apply of thousands of accounts quadratic (5,000 users: some
/// 33,000 rewrites of a file of megabytes). The format, one JSON object a line:
///
///     {"journal":1,"ledger":"9f2c…"}
///     {"address":"user:u00001","plugin":"users"}
///     …
///
/// The first line names the generation of the ledger file the journal was written against
/// (`""` when there was none, or when it had no generation). Loading the ledger replays the
/// journal as `interrupted` entries only when the ledger file is still that generation: the
/// run's final write of the ledger gives it a new one and then removes the journal, so a run
/// killed between the two leaves a journal that is recognised as stale, not replayed over the
/// final entries. A line without its newline (a torn last append) is ignored.
public final class LedgerJournal {
  /// The journal's file name in the state directory.
  public static let fileName = "ledger.journal"
  /// Journals larger than this are refused (a run appends about 60 bytes per creation).
  static let sizeLimit = 64 << 20

  let fs: RootedFileSystem
  let stateDirectory: HostPath
  /// The generation of the ledger file as loaded.
  let generation: String
  /// Whether a journal of this ledger was found and replayed.
  public let replayed: Bool
  /// Whether a journal of an older ledger (or an unreadable start of one) was found.
  public private(set) var stale: Bool
  /// The open journal, once this run has appended to it.
  private var open: Handle?

  /// The journal file and its folder, open for appending.
  private final class Handle {
    let folder: Descriptor
    let file: Descriptor
    init(folder: consuming Descriptor, file: consuming Descriptor) {
      self.folder = folder
      self.file = file
    }
  }

  init(
    fs: RootedFileSystem, stateDirectory: HostPath, generation: String, replayed: Bool,
    stale: Bool
  ) {
    self.fs = fs
    self.stateDirectory = stateDirectory
    self.generation = generation
    self.replayed = replayed
    self.stale = stale
  }

  var path: HostPath { stateDirectory.child(Self.fileName) }

  /// Removes a stale journal (one a run killed after its final ledger write left behind), so
  /// that this run's journal starts afresh. Call it under the run lock.
  public func removeStale() throws {
    guard stale else { return }
    try fs.remove(path)
    stale = false
  }

  /// Records, durably, that `address` (managed by `plugin`) is about to be created: appends
  /// a line and fsyncs the journal (and, when this creates the journal, its folder). When
  /// that fails the journal is put back as it was, as far as possible, and the error names
  /// the journal.
  public func record(_ address: Address, plugin: String) throws {
    var line: [UInt8] = []
    line.append(contentsOf: #"{"address":"#.utf8)
    Ledger.append(address.description, to: &line)
    line.append(contentsOf: #","plugin":"#.utf8)
    Ledger.append(plugin, to: &line)
    line.append(contentsOf: "}\n".utf8)
    do {
      if let open {
        try append(line, to: open)
      } else {
        open = try start(with: line)
      }
    } catch let error as SystemCallError {
      throw FileSystemError(path: fs.realPath(path), reason: "could not be written: \(error)")
    }
    fs.counters.add(writes: 1)
  }

  /// Appends `line`; on failure cuts the file back to its length before.
  private func append(_ line: [UInt8], to open: Handle) throws {
    let size = try open.file.status().size
    do {
      try open.file.writeAll(line)
      try open.file.sync()
    } catch {
      try? open.file.truncate(to: Int(size))
      throw error
    }
  }

  /// Opens the journal for appending and appends `line`: the journal found and replayed, or
  /// a new one (created exclusively, never through a symlink, root-only like the ledger) that
  /// starts with the header. A new journal that cannot be written completely is removed.
  private func start(with line: [UInt8]) throws -> Handle {
    // Missing parents (/var/lib on a bare root) are ordinary folders; only the last is private.
    try fs.makeFolders(stateDirectory.parent)
    let folder = try fs.makeFolders(stateDirectory, mode: 0o700)
    if replayed {
      let file = try folder.open(
        Self.fileName, flags: OpenFlags.writeOnly | OpenFlags.append | OpenFlags.noFollow)
      let open = Handle(folder: folder, file: file)
      try append(line, to: open)
      return open
    }
    let file = try folder.open(
      Self.fileName,
      flags: OpenFlags.writeOnly | OpenFlags.create | OpenFlags.exclusive | OpenFlags.noFollow
        | OpenFlags.append,
      mode: 0o600)
    let open = Handle(folder: folder, file: file)
    do {
      try open.file.changeOwner(uid: 0, gid: 0)
      try open.file.changeMode(0o600)
      var bytes = Array(#"{"journal":1,"ledger":"#.utf8)
      Ledger.append(generation, to: &bytes)
      bytes.append(contentsOf: "}\n".utf8)
      try open.file.writeAll(bytes + line)
      try open.file.sync()
      try open.folder.sync()
    } catch {
      try? open.folder.remove(Self.fileName)
      try? open.folder.sync()
      throw error
    }
    return open
  }

  /// Removes the journal, once the ledger that includes what it recorded is written (or
  /// once the run is over and the ledger needed no write). Nothing when there is none.
  public func remove() throws {
    guard replayed || open != nil || stale else { return }
    open = nil
    try fs.remove(path)
  }
}
