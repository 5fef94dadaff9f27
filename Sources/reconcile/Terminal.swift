import FoundationEssentials
import SystemCalls

/// Standard output and error, and whether to colour them.
enum Terminal {
  /// Whether to colour output on `fd`: a terminal, and `NO_COLOR` unset (no-color.org).
  static func colour(fd: Int32 = 1) -> Bool {
    isTerminal(fd) && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
  }

  /// Writes to standard output.
  static func out(_ text: String) {
    StandardStreams.write(text, to: 1)
  }

  /// Writes to standard error.
  static func error(_ text: String) {
    StandardStreams.write(text, to: 2)
  }
}
