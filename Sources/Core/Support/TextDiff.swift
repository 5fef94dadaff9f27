/// Line diffs for plans and reviews: `-` old line, `+` new line, ` ` context, with hunks
/// cut to a few lines of context.
public enum TextDiff {
  /// The diff from `old` to `new` (nil `old`: the whole text is new).
  public static func lines(from old: String?, to new: String?, context: Int = 2) -> [String] {
    let a = old.map(split) ?? []
    let b = new.map(split) ?? []
    if old == nil { return b.map { "+" + $0 } }
    if new == nil { return a.map { "-" + $0 } }
    let script = edits(a, b)
    // Keep changed lines and `context` lines around them.
    var keep = [Bool](repeating: false, count: script.count)
    for (i, edit) in script.enumerated() where edit.0 != " " {
      for j in max(0, i - context)...min(script.count - 1, i + context) { keep[j] = true }
    }
    var out: [String] = []
    var skipped = false
    for (i, edit) in script.enumerated() {
      if keep[i] {
        if skipped { out.append("@@") }
        skipped = false
        out.append(String(edit.0) + edit.1)
      } else {
        skipped = !out.isEmpty
      }
    }
    return out
  }

  private static func split(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// A shortest edit script by longest common subsequence (texts here are small).
  private static func edits(_ a: [String], _ b: [String]) -> [(Character, String)] {
    let n = a.count
    let m = b.count
    if n * m > 4_000_000 { return a.map { ("-", $0) } + b.map { ("+", $0) } }
    var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    var result: [(Character, String)] = []
    var i = 0
    var j = 0
    while i < n || j < m {
      if i < n, j < m, a[i] == b[j] {
        result.append((" ", a[i]))
        i += 1
        j += 1
      } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
        result.append(("-", a[i]))
        i += 1
      } else {
        result.append(("+", b[j]))
        j += 1
      }
    }
    return result
  }
}
