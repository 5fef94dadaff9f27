import Core

/// Hardening drop-ins rendered once per distinct profile while decoding a host: every unit
/// that takes a profile unadjusted gets the same text, and rendering and parsing it again for
/// each of thousands of units was a tenth of the plugin's decoding.
struct RenderedDropIns {
  /// One drop-in: its bytes and its parsed form (nil when it does not parse).
  struct DropIn {
    var bytes: [UInt8]
    var parsed: UnitFile?
  }

  private var rendered: [HardeningProfile: DropIn] = [:]

  /// The drop-in of `profile`, rendered and parsed on first use.
  mutating func dropIn(of profile: HardeningProfile) -> DropIn {
    if let known = rendered[profile] { return known }
    let text = profile.dropIn
    var parsed: UnitFile?
    if case .success(let unit) = UnitFile.parse(text, file: HardeningProfile.dropInName) {
      parsed = unit
    }
    let made = DropIn(bytes: Array(text.utf8), parsed: parsed)
    rendered[profile] = made
    return made
  }
}
