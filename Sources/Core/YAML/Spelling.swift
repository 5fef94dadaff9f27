/// Did-you-mean suggestions by edit distance.
public enum Spelling {
  /// The candidate closest to `word`, when it is close enough to be a likely typo.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
      let d = distance(word, candidate)
      if d <= max(1, min(word.count, candidate.count) / 3), d < (best?.1 ?? .max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// Levenshtein distance between two strings.
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8)
    let b = Array(b.utf8)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in 1...max(1, b.count) where !b.isEmpty {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      if b.isEmpty { current[0] = i }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
