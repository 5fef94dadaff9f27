/// One problem found in the state repository or on the host, with where it is.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
  /// How bad it is: an error stops the run before anything changes; a warning does not.
  public enum Severity: String, Sendable, Codable, Comparable {
    case warning, error
    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
  }

  public var severity: Severity
  /// One sentence saying what is wrong.
  public var message: String
  /// Where it is, when it comes from a file.
  public var position: SourcePosition?
  /// Further lines: the other place of a conflict, a hint, a fix.
  public var notes: [String]
  /// A stable code naming the kind of problem, e.g. `unknown-key` (used by tests and CI formats).
  public var code: String

  public init(
    _ severity: Severity, _ message: String, at position: SourcePosition? = nil,
    code: String = "invalid", notes: [String] = []
  ) {
    self.severity = severity
    self.message = message
    self.position = position
    self.notes = notes
    self.code = code
  }

  /// An error diagnostic.
  public static func error(
    _ message: String, at position: SourcePosition? = nil, code: String = "invalid",
    notes: [String] = []
  ) -> Diagnostic {
    Diagnostic(.error, message, at: position, code: code, notes: notes)
  }

  /// A warning diagnostic.
  public static func warning(
    _ message: String, at position: SourcePosition? = nil, code: String = "warning",
    notes: [String] = []
  ) -> Diagnostic {
    Diagnostic(.warning, message, at: position, code: code, notes: notes)
  }

  /// `file:line:col: error: message`.
  public var description: String {
    let prefix = position.map { "\($0): " } ?? ""
    return "\(prefix)\(severity.rawValue): \(message)"
  }
}
