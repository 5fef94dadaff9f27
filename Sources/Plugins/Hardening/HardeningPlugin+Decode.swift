import Core

extension HardeningPlugin {
  /// A service the host installs, with every file it will have besides hardening's.
  struct Candidate {
    var scope: UnitScope
    var name: UnitName
    var contents: [UInt8]
    var parsed: UnitFile
    /// Drop-ins from the repository and earlier plugins: file name, bytes, parsed.
    var dropIns: [(name: String, contents: [UInt8], parsed: UnitFile)] = []
    var generatedByPodman: Bool
    /// Where the unit comes from, for diagnostics about an undeclared unit.
    var position: SourcePosition?

    /// The unit with its drop-ins in file-name order, plus `extra` (name, parsed) in place.
    func merged(with extra: (name: String, parsed: UnitFile)? = nil) -> UnitFile {
      var all = dropIns.map { ($0.name, $0.parsed) }
      if let extra { all.append(extra) }
      return UnitFile.merged(parsed, dropIns: all.sorted { $0.0 < $1.0 }.map(\.1))
    }
  }

  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredHardening {
    let declared = HardeningDeclarations(declarations, diagnostics: &diagnostics)
    let profiles = HardeningProfile.resolve(declared.profiles, diagnostics: &diagnostics)
    let candidates = Self.candidates(declarations, contributions)
    var desired = DesiredHardening(hostLimit: declared.hostLimit?.value)
    var rendered = RenderedDropIns()

    // Searching the candidates once per declared unit made decoding quadratic.
    let installed = Set(candidates.map { $0.name })
    for name in declared.units.keys.sorted() where !installed.contains(name) {
      let names = candidates.map(\.name.rawValue)
      diagnostics.error(
        "hardening of \(name), which this host does not install", at: declared.units[name]!.position,
        code: "unknown-unit",
        notes: Spelling.closest(to: name.rawValue, in: names).map {
          ["did you mean '\($0)'?"]
        } ?? [])
    }
    for candidate in candidates {
      let unit = declared.units[candidate.name]
      guard unit != nil || (declared.hostLimit != nil && candidate.scope == .system) else {
        continue
      }
      if let scored = score(
        candidate, unit, profiles: profiles, declared: declared, rendered: &rendered,
        diagnostics: &diagnostics)
      {
        desired.units.append(scored.unit)
        if let dropIn = scored.unit.dropIn {
          contributions.dropIns.append(
            GeneratedDropIn(
              scope: candidate.scope, unit: candidate.name, fileName: HardeningProfile.dropInName,
              contents: dropIn, origin: Self.origin, position: unit?.position,
              parsed: scored.parsedDropIn))
        }
      }
    }
    desired.units.sort { $0.key < $1.key }
    return desired
  }

  /// Every service the host installs: the repository's, then those earlier plugins generate,
  /// each with the drop-ins it gets.
  static func candidates(_ declarations: HostDeclarations, _ contributions: Contributions)
    -> [Candidate]
  {
    var result: [Candidate] = []
    // Positions in `result` by scope and name (searching it per unit and drop-in was quadratic).
    var index: [String: Int] = [:]
    func key(_ scope: UnitScope, _ name: UnitName) -> String { scope.rawValue + "/" + name.rawValue }
    for unit in declarations.units where unit.name.suffix == "service" {
      index[key(.system, unit.name)] = index[key(.system, unit.name)] ?? result.count
      result.append(
        Candidate(
          scope: .system, name: unit.name, contents: unit.contents, parsed: unit.parsed,
          dropIns: unit.dropIns.map { ($0.fileName, $0.contents, $0.parsed) },
          generatedByPodman: false,
          position: SourcePosition(file: unit.path)))
    }
    for generated in contributions.units where generated.name.suffix == "service" {
      guard index[key(generated.scope, generated.name)] == nil,
        case .success(let parsed) = UnitFile.parse(
          String(decoding: generated.contents, as: UTF8.self))
      else { continue }
      index[key(generated.scope, generated.name)] = result.count
      result.append(
        Candidate(
          scope: generated.scope, name: generated.name, contents: generated.contents,
          parsed: parsed,
          generatedByPodman: generated.origin == "podman", position: generated.position))
    }
    for dropIn in contributions.dropIns {
      guard let index = index[key(dropIn.scope, dropIn.unit)],
        dropIn.fileName != HardeningProfile.dropInName,
        let parsed = dropIn.unitFile
      else { continue }
      result[index].dropIns.append((dropIn.fileName, dropIn.contents, parsed))
    }
    return result
  }

  /// Builds the drop-in of `candidate` from its declaration, scores the result and checks
  /// it against its limit; returns the unit and its drop-in parsed (for the units plugin).
  private func score(
    _ candidate: Candidate, _ unit: HardeningDeclarations.Unit?,
    profiles: [String: HardeningProfile],
    declared: HardeningDeclarations, rendered: inout RenderedDropIns,
    diagnostics: inout Diagnostics
  ) -> (unit: DesiredHardening.Unit, parsedDropIn: UnitFile?)? {
    let name = candidate.name
    let installed = candidate.merged()
    let needs = UnitNeeds(unit: installed, generatedByPodman: candidate.generatedByPodman)
    var dropIn: HardeningProfile?
    if let unit, unit.profile != nil || !unit.add.isEmpty || !unit.remove.isEmpty {
      var base = HardeningProfile(name: "none", summary: "", directives: [])
      if let profileName = unit.profile {
        guard let profile = profiles[profileName.value] else {
          let known = profiles.keys.sorted()
          diagnostics.error(
            "\(name) asks for hardening profile '\(profileName.value.debugEscaped)', "
              + "which is no profile",
            at: profileName.position, code: "unknown-profile",
            notes: (Spelling.closest(to: profileName.value, in: known).map {
              ["did you mean '\($0)'?"]
            } ?? [])
              + ["profiles: \(known.joined(separator: ", "))"])
          return nil
        }
        base = profile
      }
      var directives = base.directives
      for key in unit.remove {
        if !directives.contains(where: { $0.key == key.value }) {
          diagnostics.warning(
            "\(name) opts out of \(key.value), which profile '\(base.name)' does not set",
            at: key.position, code: "nothing-removed")
        }
        directives.removeAll { $0.key == key.value }
      }
      directives += unit.add.map(\.directive)
      let (kept, dropped, added) = needs.filter(directives)
      for item in dropped {
        diagnostics.warning(
          "\(name): \(item.directive.key)=\(item.directive.value) is not applied: \(item.reason)",
          at: unit.position, code: "hardening-dropped",
          notes: [
            "the unit keeps what it needs; see docs/hardening.md, 'What hardening never takes away'"
          ])
      }
      for item in added {
        diagnostics.warning(
          "\(name): \(item.key)=\(item.value) is added: the unit raises these with "
            + "AmbientCapabilities=",
          at: unit.position, code: "hardening-kept")
      }
      var label = base.name
      if !unit.add.isEmpty || !unit.remove.isEmpty || !dropped.isEmpty || !added.isEmpty {
        label += ", adjusted for \(name)"
      }
      dropIn = HardeningProfile(name: label, summary: base.summary, directives: kept)
    }

    let rendering = dropIn.map { rendered.dropIn(of: $0) }
    let dropInBytes = rendering?.bytes
    var merged = installed
    if let parsed = rendering?.parsed {
      merged = candidate.merged(with: (HardeningProfile.dropInName, parsed))
    }
    let report = ExposureReport(unit: merged, name: name)
    let hostLimit = declared.hostLimit
    let limit = unit?.maxExposure?.value ?? hostLimit?.value
    let isException =
      unit?.maxExposure.map { own in hostLimit.map { own.value > $0.value } ?? false } ?? false
    if isException, unit?.reason == nil, let own = unit?.maxExposure, let hostLimit {
      diagnostics.error(
        "\(name) is allowed \(tenths(own.value)), above the host-wide limit "
          + "\(tenths(hostLimit.value)), "
          + "without a reason", at: own.position, code: "missing-reason",
        notes: ["say why beside it: reason: \"...\"; the plan shows it"])
    }
    if let limit, report.exposure > limit {
      let source = unit?.maxExposure?.position ?? hostLimit?.position
      var notes = source.map { ["the limit \(tenths(limit)) is set at \($0)"] } ?? []
      notes += advice(for: merged, name: name, needs: needs, report: report)
      diagnostics.error(
        "\(name) has exposure \(report.summary), above its limit \(tenths(limit))",
        at: unit?.position ?? candidate.position, code: "exposure-above-limit", notes: notes)
    }
    var dropIns = Dictionary(
      candidate.dropIns.map { ($0.name, $0.contents) }, uniquingKeysWith: { a, _ in a })
    if let dropInBytes { dropIns[HardeningProfile.dropInName] = dropInBytes }
    let scored = DesiredHardening.Unit(
      scope: candidate.scope, name: name, dropIn: dropInBytes, unitFile: candidate.contents,
      dropIns: dropIns, exposure: report.exposure, limit: limit, reason: unit?.reason?.value,
      isException: isException)
    return (scored, rendering?.parsed)
  }

  /// The worst checks of a unit above its limit, each with the directive that fixes it, as
  /// note lines. Fixes the unit's needs forbid are left out.
  private func advice(
    for merged: UnitFile, name: UnitName, needs: UnitNeeds, report: ExposureReport
  ) -> [String] {
    var advice = HardeningAdvice(unit: merged, name: name, limit: 12)
    advice.fixes.removeAll { fix in !needs.filter(fix.directives).dropped.isEmpty }
    advice.fixes = Array(advice.fixes.prefix(5))
    if !advice.fixes.isEmpty {
      return ["worst checks, and the directive that fixes each:"] + advice.lines.map { "  " + $0 }
    }
    let worst = report.verdicts.filter { ($0.exposure ?? 0) > 0 }
      .sorted { ($0.exposure ?? 0) > ($1.exposure ?? 0) }.prefix(5)
    return ["worst checks (no single directive fixes them):"]
      + worst.map { "  \($0.id) (\(tenths($0.exposure ?? 0))): \($0.description ?? "")" }
  }
}
