/// Renders diagnostics the way compilers do:
///
///     roles/matrix/role.yaml:12:9: error: unknown key 'shel'
///        12 |     shel: /bin/sh
///           |     ^
///     note: did you mean 'shell'?
public struct DiagnosticRenderer: Sendable {
  /// Reads a repository file's text to quote the offending line; nil when unavailable.
  public var source: @Sendable (String) -> String?
  /// Whether to use ANSI colours.
  public var colour: Bool

  public init(colour: Bool = false, source: @escaping @Sendable (String) -> String? = { _ in nil }) {
    self.colour = colour
    self.source = source
  }

  /// The text for every diagnostic, one block each.
  public func render(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(render).joined()
  }

  /// The text for one diagnostic, ending with a newline.
  public func render(_ d: Diagnostic) -> String {
    let label = d.severity == .error ? paint("error", "31;1") : paint("warning", "33;1")
    var out = ""
    if let position = d.position { out += paint("\(position): ", "1") }
    out += "\(label): \(d.message)\n"
    if let position = d.position, position.line > 0, let text = source(position.file) {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      if position.line <= lines.count {
        let number = String(position.line)
        let gutter = String(repeating: " ", count: number.count)
        let line = String(lines[position.line - 1]).replacingTabs()
        out += " \(number) | \(line)\n"
        if position.column > 0 {
          let pad = String(repeating: " ", count: max(0, position.column - 1))
          out += " \(gutter) | \(pad)\(paint("^", "32;1"))\n"
        }
      }
    }
    for note in d.notes { out += "note: \(note)\n" }
    return out
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}

extension String {
  fileprivate func replacingTabs() -> String {
    String(map { $0 == "\t" ? " " : $0 })
  }
}
