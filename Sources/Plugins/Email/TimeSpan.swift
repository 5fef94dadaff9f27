/// A systemd time span (`10min`, `1h 30min`, `600`, `500ms`, `infinity`), as
/// systemd.time(7) reads it: numbers with optional units, summed; a bare number is seconds.
struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The length in seconds (`.infinity` for `infinity`).
  var seconds: Double
  /// The text it was read from, written back verbatim into unit files.
  var text: String

  /// Seconds per unit, from systemd's `parse_time` table (src/basic/time-util.c).
  private static let units: [String: Double] = [
    "usec": 1e-6, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "msec": 1e-3, "ms": 1e-3,
    "seconds": 1, "second": 1, "sec": 1, "s": 1, "": 1,
    "minutes": 60, "minute": 60, "min": 60, "m": 60,
    "hours": 3600, "hour": 3600, "hr": 3600, "h": 3600,
    "days": 86400, "day": 86400, "d": 86400,
    "weeks": 604_800, "week": 604_800, "w": 604_800,
    "months": 2_629_800, "month": 2_629_800, "M": 2_629_800,
    "years": 31_557_600, "year": 31_557_600, "y": 31_557_600,
  ]

  /// Reads `text`; nil when it is not a time span.
  init?(_ text: String) {
    self.text = text
    let trimmed = text.trimmingWhitespace()
    if trimmed == "infinity" {
      seconds = .infinity
      return
    }
    var total = 0.0
    var rest = Substring(trimmed)
    guard !rest.isEmpty else { return nil }
    while !rest.isEmpty {
      rest = rest.drop { $0 == " " || $0 == "\t" }
      let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      guard !number.isEmpty, let value = Double(number) else { return nil }
      rest = rest.dropFirst(number.count).drop { $0 == " " || $0 == "\t" }
      let unit = rest.prefix { $0.isLetter }
      guard let factor = Self.units[String(unit)] else { return nil }
      rest = rest.dropFirst(unit.count)
      total += value * factor
    }
    seconds = total
  }

  static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.seconds < b.seconds }

  var description: String { text }
}
