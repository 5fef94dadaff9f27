/// What to do about drift (a resource changed on the host since reconcile applied it): revert
/// it (the default), or only report it, for things an operator adjusts by hand for a while.
///
///     drift:
///       default: revert
///       modules: { users: report }
///       resources: { "unit:report.timer": report }
///
/// The section is read by the engine from every layer; a key set twice is an error.
public struct DriftPolicy: Sendable, Codable, Equatable {
  /// The two treatments of drift.
  public enum Mode: String, Sendable, Codable { case revert, report }

  public var defaultMode: Mode = .revert
  public var modules: [String: Mode] = [:]
  public var resources: [String: Mode] = [:]

  public init() {}

  /// The top-level key the engine reads.
  public static let section = "drift"

  /// The treatment of drift on `change`.
  public func mode(for change: Change) -> Mode {
    resources[change.address.description] ?? modules[change.plugin] ?? defaultMode
  }

  /// Reads the `drift` sections of every layer.
  public static func decode(
    _ declarations: HostDeclarations, plugins: Set<String>, diagnostics: inout Diagnostics
  ) -> DriftPolicy {
    var policy = DriftPolicy()
    var seen: [String: SourcePosition] = [:]
    func record(_ key: String, _ position: SourcePosition) -> Bool {
      if let first = seen[key] {
        diagnostics.error(
          "drift policy for \(key) is set twice", at: position, code: "duplicate-resource",
          notes: ["first set at \(first)"])
        return false
      }
      seen[key] = position
      return true
    }
    for (layer, node) in declarations.sections(section) {
      var reader = MappingReader(node, what: "the drift policy of \(layer.label)", diagnostics: &diagnostics)
      if let mode = reader.string("default", diagnostics: &diagnostics),
        let value = parse(mode, diagnostics: &diagnostics), record("default", mode.position)
      {
        policy.defaultMode = value
      }
      if let modules = reader.mapping("modules", diagnostics: &diagnostics) {
        for (key, value) in modules.entries {
          guard plugins.contains(key.value) else {
            let hint = Spelling.closest(to: key.value, in: plugins).map { ["did you mean '\($0)'?"] } ?? []
            diagnostics.error(
              "no module named '\(key.value.debugEscaped)'", at: key.position, code: "unknown-module", notes: hint)
            continue
          }
          guard let text = value.scalar, let mode = parse(Located(text, at: value.position), diagnostics: &diagnostics),
            record(key.value, key.position)
          else { continue }
          policy.modules[key.value] = mode
        }
      }
      if let resources = reader.mapping("resources", diagnostics: &diagnostics) {
        for (key, value) in resources.entries {
          guard key.value.contains(":") else {
            diagnostics.error(
              "'\(key.value.debugEscaped)' is not a resource address such as unit:report.timer", at: key.position,
              code: "invalid")
            continue
          }
          guard let text = value.scalar, let mode = parse(Located(text, at: value.position), diagnostics: &diagnostics),
            record(key.value, key.position)
          else { continue }
          policy.resources[key.value] = mode
        }
      }
      reader.finish(diagnostics: &diagnostics)
    }
    return policy
  }

  private static func parse(_ text: Located<String>, diagnostics: inout Diagnostics) -> Mode? {
    guard let mode = Mode(rawValue: text.value) else {
      diagnostics.error(
        "drift mode must be 'revert' or 'report', found '\(text.value.debugEscaped)'", at: text.position,
        code: "invalid")
      return nil
    }
    return mode
  }
}
