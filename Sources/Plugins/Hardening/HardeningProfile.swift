/// A named set of sandboxing directives for `[Service]`, applied to a unit as a
/// reconcile-owned drop-in so the operator's unit file stays verbatim.
public struct HardeningProfile: Sendable, Hashable, Codable {
  /// One `Key=Value` line of the drop-in.
  public struct Directive: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    /// A directive `key=value`.
    public init(_ key: String, _ value: String) {
      self.key = key
      self.value = value
    }
  }

  /// The profile's name, e.g. `strict`.
  public var name: String
  /// What the profile is for and what it may break.
  public var summary: String
  /// The directives in the order they are written.
  public var directives: [Directive]

  /// A profile.
  public init(name: String, summary: String, directives: [Directive]) {
    self.name = name
    self.summary = summary
    self.directives = directives
  }

  /// The drop-in's file name under `NAME.d/`.
  public static let dropInName = "50-reconcile-hardening.conf"

  /// The drop-in text: a header naming the profile, then `[Service]` and the directives.
  public var dropIn: String {
    var text = "# Written by reconcile: hardening profile \"\(name)\". Do not edit.\n[Service]\n"
    // Appended in place: a hardened unit's drop-in is made on every run, and a line made by
    // interpolation first was a string of its own.
    text.reserveCapacity(
      directives.reduce(text.utf8.count) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 })
    for directive in directives {
      text += directive.key
      text += "="
      text += directive.value
      text += "\n"
    }
    return text
  }

  /// A new profile: this one's directives followed by `directives` (later assignments win,
  /// as in systemd).
  public func adding(_ directives: [Directive], name: String, summary: String) -> HardeningProfile {
    HardeningProfile(name: name, summary: summary, directives: self.directives + directives)
  }
}
