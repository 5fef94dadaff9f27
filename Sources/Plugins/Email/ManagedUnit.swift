import Core

/// A system unit reconcile manages, as systemd will load it, for the watch list and the lints.
struct ManagedUnit: Sendable {
  var name: UnitName
  /// The unit file followed by its drop-ins from the repository and earlier plugins.
  var merged: UnitFile
  /// Where to point diagnostics about it that have no line of their own.
  var position: SourcePosition?

  /// Every system unit the host installs: the repository's, then those earlier plugins
  /// generate, each with the drop-ins it gets so far.
  static func all(_ declarations: HostDeclarations, _ contributions: Contributions) -> [ManagedUnit]
  {
    var result: [ManagedUnit] = declarations.units.map {
      ManagedUnit(name: $0.name, merged: $0.merged, position: SourcePosition(file: $0.path))
    }
    for generated in contributions.units where generated.scope == .system {
      guard !result.contains(where: { $0.name == generated.name }) else { continue }
      let parsed =
        (try? UnitFile.parse(String(decoding: generated.contents, as: UTF8.self)).get())
        ?? UnitFile()
      result.append(ManagedUnit(name: generated.name, merged: parsed, position: generated.position))
    }
    for dropIn in contributions.dropIns.sorted(by: { $0.fileName < $1.fileName })
    where dropIn.scope == .system {
      guard let index = result.firstIndex(where: { $0.name == dropIn.unit }),
        case .success(let parsed) = UnitFile.parse(String(decoding: dropIn.contents, as: UTF8.self))
      else { continue }
      result[index].merged = UnitFile.merged(result[index].merged, dropIns: [parsed])
    }
    return result.sorted { $0.name < $1.name }
  }

  /// The position of an assignment: its file and line when it comes from the repository.
  func position(of assignment: UnitFile.Assignment?) -> SourcePosition? {
    guard let assignment, !assignment.file.isEmpty else { return position }
    return SourcePosition(file: assignment.file, line: assignment.line)
  }
}
