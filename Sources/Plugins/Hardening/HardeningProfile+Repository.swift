import Core

extension HardeningProfile {
  /// The profiles a host can use: the built-in ones and those its repository defines, each
  /// resolved from its base. Problems (unknown base, a cycle) are recorded; such profiles are
  /// left out.
  static func resolve(
    _ declared: [String: HardeningDeclarations.Profile], diagnostics: inout Diagnostics
  ) -> [String: HardeningProfile] {
    var resolved = Dictionary(uniqueKeysWithValues: builtIn.map { ($0.name, $0) })
    var failed = Set<String>()
    for name in declared.keys.sorted() {
      var chain: [String] = []
      _ = resolve(name, declared, &resolved, &failed, &chain, &diagnostics)
    }
    return resolved
  }

  private static func resolve(
    _ name: String, _ declared: [String: HardeningDeclarations.Profile],
    _ resolved: inout [String: HardeningProfile], _ failed: inout Set<String>,
    _ chain: inout [String],
    _ diagnostics: inout Diagnostics
  ) -> HardeningProfile? {
    if let done = resolved[name] { return done }
    guard !failed.contains(name), let profile = declared[name] else { return nil }
    guard !chain.contains(name) else {
      diagnostics.error(
        "hardening profile '\(name)' is its own base ("
          + (chain + [name]).joined(separator: " -> ") + ")",
        at: profile.base?.position ?? profile.name.position, code: "cycle")
      failed.insert(name)
      return nil
    }
    chain.append(name)
    defer { chain.removeLast() }
    var directives: [Directive] = []
    var summary = profile.summary ?? "Defined in the repository (\(profile.layer))."
    if let base = profile.base {
      guard declared[base.value] != nil || builtIn(named: base.value) != nil else {
        let known = builtIn.map(\.name) + declared.keys.sorted()
        diagnostics.error(
          "hardening profile '\(name)' is based on '\(base.value.debugEscaped)', "
            + "which is no profile",
          at: base.position, code: "unknown-profile",
          notes: (Spelling.closest(to: base.value, in: known).map { ["did you mean '\($0)'?"] }
            ?? [])
            + ["profiles: \(known.joined(separator: ", "))"])
        failed.insert(name)
        return nil
      }
      guard let parent = resolve(base.value, declared, &resolved, &failed, &chain, &diagnostics)
      else {
        failed.insert(name)
        return nil
      }
      directives = parent.directives
      if profile.summary == nil {
        summary = "\(parent.name), adjusted in the repository (\(profile.layer))."
      }
    }
    for key in profile.unset {
      if !directives.contains(where: { $0.key == key.value }) {
        diagnostics.warning(
          "hardening profile '\(name)' unsets \(key.value), which its base does not set",
          at: key.position, code: "nothing-unset")
      }
      directives.removeAll { $0.key == key.value }
    }
    directives += profile.set.map(\.directive)
    let result = HardeningProfile(name: name, summary: summary, directives: directives)
    resolved[name] = result
    return result
  }
}
