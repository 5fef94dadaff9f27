/// Why a YAML file was not loaded, with where: what the loader reports as one diagnostic.
struct YAMLLoadError: Error {
  var message: String
  var line: Int
  var column: Int
  var code: String
  var notes: [String]

  init(_ message: String, line: Int, column: Int, code: String = "yaml-syntax", notes: [String] = []) {
    self.message = message
    self.line = line
    self.column = column
    self.code = code
    self.notes = notes
  }

  /// The error as a diagnostic of `file`.
  func diagnostic(file: String) -> Diagnostic {
    .error(message, at: SourcePosition(file: file, line: line, column: column), code: code, notes: notes)
  }
}
