extension Diagnostic {
  /// A GitHub (and Forgejo) Actions workflow command that puts the diagnostic on the line of
  /// the pull request: `::error file=F,line=L,col=C::message`, notes on further lines.
  /// Properties and message are escaped as the runner expects (`%`, CR, LF, and in
  /// properties also `:` and `,`).
  public var githubAnnotation: String {
    var properties: [String] = []
    if let position {
      properties.append("file=\(Self.escapeProperty(position.file))")
      if position.line > 0 { properties.append("line=\(position.line)") }
      if position.line > 0 && position.column > 0 { properties.append("col=\(position.column)") }
    }
    let text = ([message] + notes.map { "note: \($0)" }).joined(separator: "\n")
    let location = properties.isEmpty ? "" : " " + properties.joined(separator: ",")
    return "::\(severity.rawValue)\(location)::\(Self.escapeData(text))"
  }

  /// `file:line:col: error: message` on one line (notes left out), for editors and tools
  /// that read compiler output.
  public var plainLine: String {
    description.replacing("\r\n", with: " ").replacing("\r", with: " ").replacing("\n", with: " ")
  }

  private static func escapeData(_ text: String) -> String {
    text.replacing("%", with: "%25").replacing("\r\n", with: "%0D%0A").replacing("\r", with: "%0D")
      .replacing("\n", with: "%0A")
  }

  private static func escapeProperty(_ text: String) -> String {
    escapeData(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
  }
}
