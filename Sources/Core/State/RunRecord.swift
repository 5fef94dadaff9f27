import FoundationEssentials

/// What one `apply` did, kept in the state directory's run log and sent to the journal.
public struct RunRecord: Sendable, Codable, Equatable {
  /// One change and how it ended.
  public struct Entry: Sendable, Codable, Equatable {
    public var address: Address
    public var plugin: String
    public var action: Change.Action
    public var cause: Change.Cause
    public var outcome: ChangeOutcome.Status
    public var message: String?
  }

  /// Seconds since the epoch when the run started.
  public var time: Double
  public var host: String
  /// The applied commit, for a git source.
  public var commit: String?
  /// Where the state came from.
  public var source: String
  public var changes: [Entry]
  /// Seconds the run took.
  public var duration: Double
  /// Errors that stopped or failed the run.
  public var errors: [String]

  /// The record of `report`; `errors` are those of the run besides its failed changes.
  public init(time: Double, host: String, commit: String?, source: String, report: ApplyReport, errors: [String]) {
    self.time = time
    self.host = host
    self.commit = commit
    self.source = source
    changes = report.outcomes.map {
      Entry(
        address: $0.address, plugin: $0.plugin, action: $0.action, cause: $0.cause, outcome: $0.status,
        message: $0.message)
    }
    duration = report.duration
    self.errors = errors + report.failed.map { "\($0.address): \($0.message ?? "failed")" }
  }

  /// Whether every change applied.
  public var succeeded: Bool { errors.isEmpty }

  /// The drift events of this run (drift and conflicts).
  public var driftEvents: [Entry] { changes.filter { $0.cause == .drift || $0.cause == .conflict } }
}

/// The run log, `runs.jsonl` in the state directory: one JSON record per line, oldest first,
/// bounded in size (the oldest records go first). Written only by runs that did something or
/// failed: a run with nothing to do writes nothing.
public struct RunLog: Sendable {
  public static let fileName = "runs.jsonl"
  /// Records kept at most.
  public static let maximumRecords = 2000
  /// Bytes kept at most.
  public static let maximumBytes = 4 << 20

  public let fs: RootedFileSystem
  public let stateDirectory: HostPath

  public init(fs: RootedFileSystem, stateDirectory: HostPath) {
    self.fs = fs
    self.stateDirectory = stateDirectory
  }

  /// Every record, oldest first. Lines that do not parse are skipped.
  public func records() throws -> [RunRecord] {
    guard let bytes = try fs.read(stateDirectory.child(Self.fileName), limit: Self.maximumBytes * 2) else { return [] }
    let decoder = JSONDecoder()
    return bytes.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(RunRecord.self, from: Data($0)) }
  }

  /// Appends `record`, dropping the oldest records beyond the bounds; atomic.
  ///
  /// The records already there are kept as the bytes they are (lines that are not a JSON
  /// object are dropped), and the new one is encoded change by change into the same buffer:
  /// decoding the log and encoding a first run's record of tens of thousands of changes in
  /// one piece took most of the memory of that run, and so did a second copy of its bytes.
  public func append(_ record: RunRecord) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let old =
      try fs.read(stateDirectory.child(Self.fileName), limit: Self.maximumBytes * 2) ?? []
    let kept = old.split(separator: UInt8(ascii: "\n")).filter {
      $0.first == UInt8(ascii: "{") && $0.last == UInt8(ascii: "}")
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(old.count + 256 + record.changes.count * Self.bytesPerChange)
    for line in kept {
      bytes += line
      bytes.append(UInt8(ascii: "\n"))
    }
    try Self.encode(record, with: encoder, into: &bytes)
    bytes.append(UInt8(ascii: "\n"))
    // The oldest records beyond the bounds are cut from the front, in place.
    var records = kept.count + 1
    var cut = 0
    for line in kept {
      guard records > Self.maximumRecords || bytes.count - cut > Self.maximumBytes else { break }
      cut += line.count + 1
      records -= 1
    }
    bytes.removeFirst(cut)
    try fs.makeFolders(stateDirectory, mode: 0o700)
    try fs.write(stateDirectory.child(Self.fileName), bytes, mode: 0o600)
  }

  /// About the size of one change in a record (`{"action":"create","address":...}`), to
  /// reserve the buffer once.
  private static let bytesPerChange = 160

  /// `record` as `encoder` (sorted keys) writes it, its changes encoded one at a time.
  static func encode(_ record: RunRecord, with encoder: JSONEncoder) throws -> [UInt8] {
    var out: [UInt8] = []
    try encode(record, with: encoder, into: &out)
    return out
  }

  /// Appends `record` as `encoder` (sorted keys) writes it to `out`, its changes encoded one
  /// at a time.
  static func encode(_ record: RunRecord, with encoder: JSONEncoder, into out: inout [UInt8]) throws {
    var empty = record
    empty.changes = []
    let head = Array(try encoder.encode(empty))
    // With sorted keys `changes` comes first: `{"changes":[],...`.
    let prefix = Array(#"{"changes":["#.utf8)
    guard head.starts(with: prefix), head.dropFirst(prefix.count).first == UInt8(ascii: "]")
    else {
      out += try encoder.encode(record)
      return
    }
    out += prefix
    for (i, change) in record.changes.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out += try encoder.encode(change)
    }
    out += head.dropFirst(prefix.count)
  }
}
