extension HostObservation {
  /// The observation with every value that is a whole crypt(3) password hash (`$6$salt$...`,
  /// `$y$...`, `$2b$...`) replaced by `(redacted)`. Plugins keep no secrets in what they
  /// observe; this is the second line of defence before a snapshot leaves the host (a
  /// legacy `/etc/passwd` with the hash in its password field, say).
  public func redactingPasswordHashes() -> HostObservation {
    var copy = self
    copy.observed = observed.mapValues(Self.redacting)
    return copy
  }

  /// What replaces a password hash.
  public static let redacted = "(redacted)"

  private static func redacting(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text): return isPasswordHash(text) ? .string(redacted) : value
    case .array(let items): return .array(items.map(redacting))
    case .object(let fields): return .object(fields.mapValues(redacting))
    case .null, .bool, .number: return value
    }
  }

  /// Whether `text` has the shape of a crypt(3) hash: `$ID$` (ID of letters and digits),
  /// then at least one more `$`-separated field, no spaces, and 20 or more characters in all.
  static func isPasswordHash(_ text: String) -> Bool {
    var rest = Substring(text)
    if rest.hasPrefix("!") { rest = rest.drop { $0 == "!" } }  // a locked account's hash
    guard rest.count >= 20, rest.first == "$", !rest.contains(where: \.isWhitespace) else {
      return false
    }
    let fields = rest.dropFirst().split(separator: "$", omittingEmptySubsequences: false)
    guard fields.count >= 3, let id = fields.first, !id.isEmpty, id.count <= 4 else { return false }
    return id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
  }
}
