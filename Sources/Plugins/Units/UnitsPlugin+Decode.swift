import Core

extension UnitsPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions, diagnostics: inout Diagnostics
  ) -> DesiredUnits {
    var desired = DesiredUnits()
    var merged: [UnitName: UnitPieces] = [:]
    // Files by address (which holds scope, unit and drop-in name), for the collision checks:
    // a search of every file for each generated one made decoding quadratic. Made at its
    // size, and as the files are: a pass over them afterwards copied every file, whose texts
    // are long out of the caches at thousands of units.
    let count = declarations.units.reduce(0) { $0 + 1 + $1.dropIns.count }
    desired.files.reserveCapacity(count + contributions.units.count + contributions.dropIns.count)
    var origins: [Address: String] = [:]
    origins.reserveCapacity(desired.files.capacity)
    merged.reserveCapacity(declarations.units.count + contributions.units.count)
    // A file the repository ships; of an address given twice, the first is its origin.
    func ship(_ file: DesiredUnits.File) {
      let address = file.address
      if origins[address] == nil { origins[address] = file.origin }
      desired.files.append(file)
    }
    for unit in declarations.units {
      ship(.init(scope: .system, unit: unit.name, dropIn: nil, contents: unit.contents, origin: unit.path))
      for dropIn in unit.dropIns {
        ship(
          .init(
            scope: .system, unit: unit.name, dropIn: dropIn.fileName, contents: dropIn.contents, origin: dropIn.path))
      }
      merged[unit.name] = UnitPieces(base: unit.parsed, dropIns: unit.dropIns.map(\.parsed))
    }
    var enabledByPlugins: [(GeneratedUnit, InstallSection)] = []
    for generated in contributions.units {
      let file = DesiredUnits.File(
        scope: generated.scope, unit: generated.name, dropIn: nil, contents: generated.contents,
        origin: generated.origin, user: generated.scope == .user ? generated.user : nil)
      if let existing = origins[file.address] {
        diagnostics.error(
          "\(generated.origin) generates \(generated.name), which \(existing) also ships",
          at: generated.position, code: "duplicate-resource")
        continue
      }
      desired.files.append(file)
      origins[file.address] = file.origin
      let parsed = (try? UnitFile.parse(String(decoding: generated.contents, as: UTF8.self)).get()) ?? UnitFile()
      if generated.scope == .system { merged[generated.name] = UnitPieces(base: parsed) }
      if generated.enable { enabledByPlugins.append((generated, InstallSection(parsed))) }
    }
    // The user each user unit is made for (nil: every user), for its drop-ins.
    let userUnitOwners = Dictionary(
      contributions.units.filter { $0.scope == .user }.map { ($0.name, $0.user) }, uniquingKeysWith: { a, _ in a })
    for dropIn in contributions.dropIns {
      guard Naming.isValidDropInName(dropIn.fileName) else {
        diagnostics.error(
          "\(dropIn.origin) made an invalid drop-in name \(dropIn.fileName)", at: dropIn.position, code: "internal")
        continue
      }
      let file = DesiredUnits.File(
        scope: dropIn.scope, unit: dropIn.unit, dropIn: dropIn.fileName, contents: dropIn.contents,
        origin: dropIn.origin, user: dropIn.scope == .user ? userUnitOwners[dropIn.unit] ?? nil : nil,
        restartsUnit: dropIn.restartsUnit)
      if origins[file.address] != nil {
        diagnostics.error(
          "drop-in \(dropIn.unit).d/\(dropIn.fileName) from \(dropIn.origin) collides with another",
          at: dropIn.position,
          code: "duplicate-resource")
        continue
      }
      desired.files.append(file)
      origins[file.address] = file.origin
      if dropIn.scope == .system, merged[dropIn.unit] != nil {
        let parsed = dropIn.unitFile ?? UnitFile()
        merged[dropIn.unit]?.dropIns.append(UnitPieces.readSections(of: parsed))
      }
    }
    desired.activations = decodeActivations(declarations, merged: merged, diagnostics: &diagnostics)
    for (generated, install) in enabledByPlugins {
      // A user unit made for one user is started in that user's manager; one for every user
      // (no `user`) only enabled.
      let user = generated.scope == .user ? generated.user : nil
      desired.activations.append(
        .init(
          scope: generated.scope, unit: generated.name, enable: true,
          start: generated.scope == .system || user != nil,
          install: install, position: generated.position, user: user, startAfter: generated.startAfter))
    }
    // Each path made once, not once per comparison; the positions sorted, not the files
    // (moving files of a hundred bytes and more through a sort of thousands was a tenth of
    // decoding at 5,000 units).
    let keys = desired.files.withUnsafeBufferPointer { files in
      files.indices.map { (scope: files[$0].scope, path: files.path(at: $0).description) }
    }
    let order = keys.indices.sorted { keys[$0] < keys[$1] }
    Self.permute(&desired.files, to: order)
    return desired
  }

  /// Puts `files` in `order` (the file at `order[k]` goes to `k`) in place, moving each file
  /// once along its cycle: copying them into a new list retained every text of every file,
  /// long since out of the caches at thousands of units.
  static func permute(_ files: inout [DesiredUnits.File], to order: [Int]) {
    var placed = [Bool](repeating: false, count: files.count)
    files.withUnsafeMutableBufferPointer { files in
      for start in files.indices where !placed[start] {
        var position = start
        while true {
          placed[position] = true
          let source = order[position]
          if source == start { break }
          files.swapAt(position, source)
          position = source
        }
      }
    }
  }

  /// Reads every layer's `units:` section.
  private func decodeActivations(
    _ declarations: HostDeclarations, merged: [UnitName: UnitPieces],
    diagnostics: inout Diagnostics
  ) -> [DesiredUnits.Activation] {
    var declared: [UnitName: (enable: Bool, start: Bool?, position: SourcePosition, layer: String)] = [:]
    for (layer, node) in declarations.sections("units") {
      let section = MappingReader(node, what: "units of \(layer.label)", diagnostics: &diagnostics)
      for (key, value) in section.entries {
        guard let name = UnitName(key.value) else {
          diagnostics.error(
            UnitName.problem(with: key.value) ?? "invalid unit name", at: key.position, code: "unit-name")
          continue
        }
        var fields = MappingReader(value, what: "unit '\(name)'", diagnostics: &diagnostics)
        let enable = fields.bool("enable", diagnostics: &diagnostics)?.value ?? false
        let start = fields.bool("start", diagnostics: &diagnostics)?.value
        fields.finish(diagnostics: &diagnostics)
        if let other = declared[name] {
          diagnostics.error(
            "unit \(name) is declared by both \(other.layer) and \(layer.label)", at: key.position,
            code: "duplicate-resource", notes: ["also declared at \(other.position)"])
          continue
        }
        let file = name.template ?? name
        guard merged[file] != nil else {
          var notes: [String] = []
          if let close = Spelling.closest(to: file.rawValue, in: merged.keys.map(\.rawValue)) {
            notes.append("did you mean '\(close)'?")
          }
          diagnostics.error(
            "unit \(name) is declared but no layer ships \(file) (put it in a units/ folder)", at: key.position,
            code: "unknown-unit", notes: notes)
          continue
        }
        declared[name] = (enable, start, key.position, layer.label)
      }
    }
    let triggered = triggeredUnits(merged: merged, enabled: declared.filter { $0.value.enable }.map(\.key))
    var activations: [DesiredUnits.Activation] = []
    for (name, declaration) in declared.sorted(by: { $0.key < $1.key }) {
      let file = merged[name.template ?? name]!.unit
      let install = InstallSection(file)
      if declaration.enable && install.isEmpty {
        diagnostics.warning(
          "\(name) has no [Install] section: enabling it creates nothing", at: declaration.position, code: "no-install",
          notes: ["add an [Install] section (WantedBy=...) to the unit file, or drop 'enable: true'"])
      }
      if declaration.enable, let trigger = triggered[name] {
        diagnostics.warning(
          "\(name) is triggered by \(trigger); enable the \(trigger.suffix) only, enabling the service too confuses systemd",
          at: declaration.position, code: "trigger-enabled")
      }
      let start = declaration.start ?? (declaration.enable && triggered[name] == nil && !name.isTemplate)
      if start && triggered[name] != nil {
        diagnostics.warning(
          "\(name) is triggered by \(triggered[name]!) and should not be started directly", at: declaration.position,
          code: "trigger-started")
      }
      var activation = DesiredUnits.Activation(
        scope: .system, unit: name, enable: declaration.enable, start: start, install: install,
        position: declaration.position)
      activation.conditions = UnitCondition.conditions(of: file)
      activations.append(activation)
    }
    return activations
  }

  /// Maps each service to the enabled trigger (timer, path, socket) that activates it.
  private func triggeredUnits(
    merged: [UnitName: UnitPieces], enabled: [UnitName]
  ) -> [UnitName: UnitName] {
    var result: [UnitName: UnitName] = [:]
    for trigger in enabled where trigger.isTrigger {
      guard let file = merged[trigger]?.unit else { continue }
      let section = trigger.suffix.prefix(1).uppercased() + trigger.suffix.dropFirst()
      let explicit = file.value(section, "Unit").flatMap(UnitName.init)
      if let target = explicit ?? trigger.defaultTriggered { result[target] = trigger }
    }
    return result
  }
}

/// A system unit's file and drop-ins, merged only when read: holding every unit merged at
/// once cost 10 MB at 5,000 units (the parts are shared with the declarations).
private struct UnitPieces {
  var base: UnitFile
  var dropIns: [UnitFile] = []

  /// The unit as systemd would load it (contributed drop-ins: their `readSections`).
  var unit: UnitFile { dropIns.isEmpty ? base : UnitFile.merged(base, dropIns: dropIns) }

  /// The sections the activations read (`[Unit]` conditions, `[Install]`, a trigger's
  /// `Unit=`) of a drop-in parsed here: the hardening drop-ins are all `[Service]`.
  static func readSections(of dropIn: UnitFile) -> UnitFile {
    dropIn.removing(sections: skipped)
  }

  private static let skipped: Set<String> = ["Service", "Slice", "Mount", "Swap", "Scope"]
}
