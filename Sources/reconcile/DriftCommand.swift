import ArgumentParser
import Core
import FoundationEssentials

/// `reconcile drift`: what changed on the host behind the repository's back, newest first.
struct DriftCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drift",
    abstract: "List drift events from the run log, newest first.",
    discussion: """
      A drift event is a resource that changed on the host since reconcile last applied it \
      (class drift), or that changed both there and in the repository (class conflict). Each \
      is shown with the time of the run that found it, the resource, the class and whether it \
      was reverted or only reported. Reads the state directory only.
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Only events newer than this: a duration (90s, 30m, 2h, 7d) or a date (2026-11-29 or 2026-11-29T12:00:00Z).",
      valueName: "when"))
  var since: String?

  @Option(name: .long, help: ArgumentHelp("Treat DIR as the root of the host (default: /).", valueName: "dir"))
  var root: String = "/"

  @Option(name: .long, help: "Output format: text or json.")
  var format: OutputFormat = .text

  func run() throws {
    let fs = try RootedFileSystem(root: root)
    var diagnostics = Diagnostics()
    let configuration = try HostConfiguration.load(from: fs, diagnostics: &diagnostics)
    let cutoff = try since.map(Self.cutoff) ?? 0
    let records = try RunLog(fs: fs, stateDirectory: configuration.stateDirectory).records()
    let events = records.reversed().filter { $0.time >= cutoff }.flatMap { record in
      record.driftEvents.map { DriftEvent(time: record.time, host: record.host, commit: record.commit, entry: $0) }
    }
    switch format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      Terminal.out(String(decoding: try encoder.encode(events), as: UTF8.self) + "\n")
    case .text:
      if events.isEmpty { Terminal.out("No drift recorded\(since.map { " since \($0)" } ?? "").\n") }
      for event in events {
        Terminal.out(
          "\(event.timestamp)  \(event.entry.address)  \(event.entry.cause.rawValue)  \(event.entry.outcome == .reported ? "reported" : event.entry.outcome.rawValue == "applied" ? "reverted" : event.entry.outcome.rawValue)\n"
        )
      }
    }
  }

  /// The epoch time `text` names: now minus a duration, or a date.
  static func cutoff(_ text: String) throws -> Double {
    if let seconds = HostConfiguration.Duration.seconds(text) { return Date().timeIntervalSince1970 - Double(seconds) }
    if let date = try? Date.ISO8601FormatStyle().parse(text) { return date.timeIntervalSince1970 }
    if let date = try? Date.ISO8601FormatStyle().year().month().day().parse(text) { return date.timeIntervalSince1970 }
    throw ValidationError("--since takes a duration such as 2h or a date such as 2026-11-29, not '\(text)'")
  }
}

/// One drift event as printed.
struct DriftEvent: Encodable {
  var time: Double
  var host: String
  var commit: String?
  var entry: RunRecord.Entry

  var timestamp: String {
    Date(timeIntervalSince1970: time).formatted(.iso8601)
  }

  enum CodingKeys: String, CodingKey { case time, host, commit, resource, module, `class`, outcome }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(timestamp, forKey: .time)
    try container.encode(host, forKey: .host)
    try container.encodeIfPresent(commit, forKey: .commit)
    try container.encode(entry.address.description, forKey: .resource)
    try container.encode(entry.plugin, forKey: .module)
    try container.encode(entry.cause.rawValue, forKey: .class)
    try container.encode(entry.outcome == .applied ? "reverted" : entry.outcome.rawValue, forKey: .outcome)
  }
}
