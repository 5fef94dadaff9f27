import Core

/// The `hardening:` sections of a host's layers as written, with positions, before profiles
/// are resolved and units scored.
struct HardeningDeclarations: Sendable {
  /// One `Key=Value` line from the repository.
  struct Line: Sendable {
    var directive: HardeningProfile.Directive
    var position: SourcePosition
  }

  /// A profile defined under `profiles:`.
  struct Profile: Sendable {
    var name: Located<String>
    var base: Located<String>?
    var summary: String?
    var set: [Line]
    var unset: [Located<String>]
    var layer: String
  }

  /// A unit under `units:`.
  struct Unit: Sendable {
    var name: UnitName
    var position: SourcePosition
    var layer: String
    var profile: Located<String>?
    var add: [Line]
    var remove: [Located<String>]
    var maxExposure: Located<Int>?
    var reason: Located<String>?
  }

  var profiles: [String: Profile] = [:]
  /// Every layer's `policy: max-exposure:`; the lowest applies.
  var limits: [Located<Int>] = []
  var units: [UnitName: Unit] = [:]

  /// The host-wide limit: the lowest any layer sets.
  var hostLimit: Located<Int>? { limits.min { $0.value < $1.value } }
}

extension HardeningDeclarations {
  /// Reads every layer's `hardening:` section, recording every problem.
  init(_ declarations: HostDeclarations, diagnostics: inout Diagnostics) {
    for (layer, node) in declarations.sections("hardening") {
      var section = MappingReader(
        node, what: "hardening of \(layer.label)", diagnostics: &diagnostics)
      if let profiles = section.mapping("profiles", diagnostics: &diagnostics) {
        readProfiles(profiles, layer: layer.label, diagnostics: &diagnostics)
      }
      if var policy = section.mapping("policy", diagnostics: &diagnostics) {
        if let limit = Self.exposure("max-exposure", of: &policy, diagnostics: &diagnostics) {
          limits.append(limit)
        }
        policy.finish(diagnostics: &diagnostics)
      }
      if let units = section.mapping("units", diagnostics: &diagnostics) {
        readUnits(units, layer: layer.label, diagnostics: &diagnostics)
      }
      section.finish(diagnostics: &diagnostics)
    }
  }

  private mutating func readProfiles(
    _ section: MappingReader, layer: String, diagnostics: inout Diagnostics
  ) {
    for (key, value) in section.entries {
      let what = "hardening profile '\(key.value)'"
      if HardeningProfile.builtIn(named: key.value) != nil {
        diagnostics.error(
          "\(what) redefines a built-in profile", at: key.position, code: "duplicate-resource",
          notes: ["pick another name and start from it with 'base: \(key.value)'"])
        continue
      }
      guard Naming.isValidRoleName(key.value) else {
        diagnostics.error(
          "'\(key.value.debugEscaped)' is not a valid profile name", at: key.position,
          code: "profile-name")
        continue
      }
      if let other = profiles[key.value] {
        diagnostics.error(
          "\(what) is defined by both \(other.layer) and \(layer)", at: key.position,
          code: "duplicate-resource", notes: ["also defined at \(other.name.position)"])
        continue
      }
      var fields = MappingReader(value, what: what, diagnostics: &diagnostics)
      let base = fields.string("base", diagnostics: &diagnostics)
      let summary = fields.string("summary", diagnostics: &diagnostics)?.value
      let set = Self.lines("set", of: &fields, diagnostics: &diagnostics)
      let unset = Self.keys("unset", of: &fields, diagnostics: &diagnostics)
      fields.finish(diagnostics: &diagnostics)
      profiles[key.value] = Profile(
        name: key, base: base, summary: summary, set: set, unset: unset, layer: layer)
    }
  }

  private mutating func readUnits(
    _ section: MappingReader, layer: String, diagnostics: inout Diagnostics
  ) {
    for (key, value) in section.entries {
      guard let name = UnitName(key.value) else {
        diagnostics.error(
          UnitName.problem(with: key.value) ?? "invalid unit name", at: key.position,
          code: "unit-name")
        continue
      }
      guard name.suffix == "service" else {
        diagnostics.error(
          "\(name) is not a service: only services are sandboxed and scored", at: key.position,
          code: "not-a-service",
          notes: ["harden the service it starts, e.g. \(name.stem).service"])
        continue
      }
      if let other = units[name] {
        diagnostics.error(
          "hardening of \(name) is declared by both \(other.layer) and \(layer)",
          at: key.position, code: "duplicate-resource",
          notes: ["also declared at \(other.position)"])
        continue
      }
      var fields = MappingReader(value, what: "hardening of \(name)", diagnostics: &diagnostics)
      let profile = fields.string("profile", diagnostics: &diagnostics)
      let add = Self.lines("add", of: &fields, diagnostics: &diagnostics)
      let remove = Self.keys("remove", of: &fields, diagnostics: &diagnostics)
      let limit = Self.exposure("max-exposure", of: &fields, diagnostics: &diagnostics)
      let reason = fields.string("reason", diagnostics: &diagnostics)
      fields.finish(diagnostics: &diagnostics)
      if let reason, reason.value.contains(where: \.isNewline) {
        diagnostics.error(
          "the reason for \(name) must be one line", at: reason.position, code: "invalid-value")
      }
      units[name] = Unit(
        name: name, position: key.position, layer: layer, profile: profile, add: add,
        remove: remove, maxExposure: limit, reason: reason)
    }
  }

  /// `KEY: VALUE` or `KEY: [VALUE, ...]` pairs of the mapping `key`, each a directive line;
  /// unknown directives and values that would break the drop-in are errors.
  private static func lines(
    _ key: String, of fields: inout MappingReader, diagnostics: inout Diagnostics
  ) -> [Line] {
    guard let mapping = fields.mapping(key, diagnostics: &diagnostics) else { return [] }
    var lines: [Line] = []
    for (directive, node) in mapping.entries {
      guard checkKnown(directive, diagnostics: &diagnostics) else { continue }
      if node.isNull {
        diagnostics.error(
          "\(directive.value) has no value", at: directive.position, code: "invalid-value",
          notes: ["write \(directive.value): \"\" for an empty assignment, which resets a list"])
        continue
      }
      let values = MappingReader.strings(
        in: node, what: "\(directive.value) of '\(key)'", diagnostics: &diagnostics)
      for value in values {
        if let problem = HardeningDirectives.problem(key: directive.value, value: value.value) {
          diagnostics.error(problem, at: value.position, code: "invalid-value")
          continue
        }
        lines.append(Line(directive: .init(directive.value, value.value), position: value.position))
      }
    }
    return lines
  }

  /// A list of directive names; unknown ones are errors.
  private static func keys(
    _ key: String, of fields: inout MappingReader, diagnostics: inout Diagnostics
  ) -> [Located<String>] {
    (fields.stringList(key, diagnostics: &diagnostics) ?? []).filter {
      checkKnown($0, diagnostics: &diagnostics)
    }
  }

  private static func checkKnown(_ key: Located<String>, diagnostics: inout Diagnostics) -> Bool {
    guard HardeningDirectives.known.contains(key.value) else {
      diagnostics.error(
        "unknown hardening directive '\(key.value.debugEscaped)'", at: key.position,
        code: "unknown-directive",
        notes: HardeningDirectives.suggestion(for: key.value).map { [$0] } ?? [])
      return false
    }
    return true
  }

  /// An exposure limit written as systemd prints exposures, `0.0` to `10.0`, in tenths.
  static func exposure(
    _ key: String, of fields: inout MappingReader, diagnostics: inout Diagnostics
  ) -> Located<Int>? {
    guard let text = fields.string(key, diagnostics: &diagnostics) else { return nil }
    let parts = text.value.split(separator: ".", omittingEmptySubsequences: false)
    let digits = { (part: Substring) in
      !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber }
    }
    guard parts.count <= 2, digits(parts[0]),
      parts.count == 1 || (parts[1].count == 1 && digits(parts[1])),
      let whole = Int(parts[0]), whole <= 10
    else {
      diagnostics.error(
        "'\(key)' must be an exposure from 0.0 to 10.0 with at most one decimal, found "
          + "'\(text.value.debugEscaped)'", at: text.position, code: "invalid-value")
      return nil
    }
    let value = whole * 10 + (parts.count == 2 ? Int(parts[1])! : 0)
    guard value <= 100 else {
      diagnostics.error(
        "'\(key)' is \(text.value), above the largest exposure 10.0", at: text.position,
        code: "invalid-value")
      return nil
    }
    return Located(value, at: text.position)
  }
}
