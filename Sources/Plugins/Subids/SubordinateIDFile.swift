import Core

/// A parsed `/etc/subuid` or `/etc/subgid`: its ranges with their line numbers, the problems
/// found, and the exact text.
public struct SubordinateIDFile: Sendable {
  /// One parsed line.
  public struct Record: Sendable, Hashable {
    /// The 1-based line number.
    public var line: Int
    /// The range the line gives.
    public var range: SubordinateRange
  }

  /// The file, absolute within the host root: `/etc/subuid` or `/etc/subgid`.
  public let file: String
  /// Whether the file exists. A missing file reads as an empty one.
  public let exists: Bool
  /// Every line that parsed, in file order.
  public let records: [Record]
  /// Malformed lines, each with file and line; overlapping lines, as warnings.
  public let problems: [Diagnostic]
  /// The text of every line, without newlines.
  public let lines: [String]
  /// Whether the last line ends with a newline (true for an empty file).
  public let endsWithNewline: Bool

  /// The ranges, in file order.
  public var ranges: [SubordinateRange] { records.map(\.range) }

  /// The ranges of `owner`, in file order.
  public func ranges(of owner: String) -> [SubordinateRange] {
    ranges.filter { $0.owner == owner }
  }

  /// The original text, byte for byte.
  public var text: String {
    lines.isEmpty ? "" : lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
  }

  /// An empty file that does not exist.
  public static func missing(_ file: String) -> SubordinateIDFile {
    SubordinateIDFile(
      file: file, exists: false, records: [], problems: [], lines: [],
      endsWithNewline: true)
  }

  /// Parses the bytes of `file`. Blank lines are skipped; every other line that is not
  /// `OWNER:START:COUNT` with decimal numbers, a count of at least 1 and an end at most 2^32
  /// is reported with its line and column, never dropped silently.
  public static func parse(_ bytes: [UInt8], file: String) -> SubordinateIDFile {
    var problems: [Diagnostic] = []
    let text = ColonSeparatedLines(String(decoding: bytes, as: UTF8.self), bytes: bytes)
    let lines = text.lines
    let endsWithNewline = text.endsWithNewline
    var records: [Record] = []
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let number = index + 1
      var lineText = line
      let read = lineText.withUTF8 { utf8 in
        SubordinateIDLine.read(utf8).map {
          SubordinateRange(
            owner: String(decoding: UnsafeBufferPointer(rebasing: utf8[$0.owner]), as: UTF8.self),
            start: $0.start, count: $0.count)
        }
      }
      let range: SubordinateRange
      switch read {
      case .success(let read):
        range = read
      case .failure(let problem):
        let fields = text.fields(of: line)
        let column = fields[..<min(problem.field, fields.count)].reduce(1) { $0 + $1.count + 1 }
        problems.append(
          .error(
            message(for: problem, fields: fields, file: file),
            at: SourcePosition(file: file, line: number, column: column), code: "malformed-subid-line"))
        continue
      }
      records.append(Record(line: number, range: range))
    }
    // One problem at most per line: in line order, as the lines were read.
    problems = (problems + overlaps(in: records, file: file)).sorted {
      ($0.position?.line ?? 0) < ($1.position?.line ?? 0)
    }
    return SubordinateIDFile(
      file: file, exists: true, records: records, problems: problems,
      lines: lines, endsWithNewline: endsWithNewline)
  }

  /// A warning for each record that overlaps an earlier one, naming the first such, in file
  /// order. Sorted by start, a range overlaps one before it exactly when it starts below the
  /// largest end so far: that finds the overlapping records in n log n (a search of the
  /// earlier lines for each line took seconds at tens of thousands of lines); only those
  /// are then searched for the line to name.
  private static func overlaps(in records: [Record], file: String) -> [Diagnostic] {
    var overlapping = Set<Int>()
    var largestEnd: (end: UInt64, index: Int)?
    for index in records.indices.sorted(by: { records[$0].range.start < records[$1].range.start }) {
      let range = records[index].range
      if let largestEnd, UInt64(range.start) < largestEnd.end {
        overlapping.insert(index)
        overlapping.insert(largestEnd.index)
      }
      if range.end > largestEnd?.end ?? 0 { largestEnd = (range.end, index) }
    }
    return overlapping.sorted().compactMap { index in
      let record = records[index]
      guard let other = records[..<index].first(where: { $0.range.overlaps(record.range) }) else {
        return nil
      }
      return .warning(
        "\(record.range) overlaps \(other.range) on line \(other.line)",
        at: SourcePosition(file: file, line: record.line, column: 1), code: "overlapping-subids")
    }
  }

  /// What is wrong with a line cut into `fields` (three, unless the problem is their count).
  private static func message(
    for problem: SubordinateIDLine.Problem, fields: [Substring], file: String
  ) -> String {
    switch problem {
    case .fieldCount(let count): "line has \(count) fields where \(file) has 3 (OWNER:START:COUNT)"
    case .emptyOwner: "the owner is empty"
    case .badStart: "the start '\(fields[1])' is not a number from 0 to 4294967295"
    case .badCount: "the count '\(fields[2])' is not a number from 1 to 4294967295"
    case .pastEnd(let start, let count): "the range \(start)+\(count) runs past 4294967295"
    }
  }
}
