/// An accumulator of diagnostics, so that one run reports every problem at once.
public struct Diagnostics: Sendable, Codable, Equatable {
  public private(set) var all: [Diagnostic] = []

  public init(_ all: [Diagnostic] = []) { self.all = all }

  /// Records one diagnostic.
  public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }

  /// Records several diagnostics.
  public mutating func append(contentsOf other: Diagnostics) { all += other.all }

  /// Records an error.
  public mutating func error(
    _ message: String, at position: SourcePosition? = nil, code: String = "invalid",
    notes: [String] = []
  ) {
    all.append(.error(message, at: position, code: code, notes: notes))
  }

  /// Records a warning.
  public mutating func warning(
    _ message: String, at position: SourcePosition? = nil, code: String = "warning",
    notes: [String] = []
  ) {
    all.append(.warning(message, at: position, code: code, notes: notes))
  }

  /// Whether any recorded diagnostic is an error.
  public var hasErrors: Bool { all.contains { $0.severity == .error } }

  /// The errors only.
  public var errors: [Diagnostic] { all.filter { $0.severity == .error } }

  /// The warnings only.
  public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }

  /// All diagnostics, errors first, then by file position; duplicates dropped.
  public var sorted: [Diagnostic] {
    var seen = Set<Diagnostic>()
    return all.filter { seen.insert($0).inserted }.sorted {
      if $0.severity != $1.severity { return $0.severity > $1.severity }
      switch ($0.position, $1.position) {
      case let (a?, b?): return a < b
      case (nil, _?): return true
      default: return false
      }
    }
  }
}

/// Thrown when loading or validation found errors; carries all of them.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: Diagnostics
  public init(_ diagnostics: Diagnostics) { self.diagnostics = diagnostics }
  /// One diagnostic a line, errors first.
  public var description: String { diagnostics.sorted.map(\.description).joined(separator: "\n") }
}
