/// Writes command-line words so that systemd's `ExecStart=` parser (`extract_first_word` with
/// `EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE`, then specifier and `$VAR` expansion) gives back
/// exactly the same words (systemd.service(5), "Command lines").
enum SystemdQuoting {
  /// Characters a word may hold without quotes.
  private static func isPlain(_ c: Unicode.Scalar) -> Bool {
    (c.value < 0x80 && (c.properties.isAlphabetic || ("0"..."9").contains(c)))
      || "_-./:=,@+%$".unicodeScalars.contains(c)
  }

  /// One word: `%` as `%%` (specifiers) and `$` as `$$` (environment expansion) always; in
  /// double quotes with `\"` and `\\` escaped when it holds anything else, or is empty.
  /// Control characters are refused before rendering (validation).
  static func word(_ text: String) -> String {
    var escaped = ""
    for c in text.unicodeScalars {
      switch c {
      case "%": escaped += "%%"
      case "$": escaped += "$$"
      default: escaped.unicodeScalars.append(c)
      }
    }
    if !text.isEmpty && text.unicodeScalars.allSatisfy(isPlain) { return escaped }
    var quoted = "\""
    for c in escaped.unicodeScalars {
      switch c {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      default: quoted.unicodeScalars.append(c)
      }
    }
    return quoted + "\""
  }

  /// A whole command line, one word after another.
  static func line(_ words: [String]) -> String { words.map(word).joined(separator: " ") }
}
