import Core

/// A unit reconcile manages, as systemd will load it, for the watch list and the lints: a
/// system unit, or a user unit made for one user (a container's, run by that user's manager).
struct ManagedUnit: Sendable {
  var name: UnitName
  /// The unit file followed by its drop-ins from the repository and earlier plugins.
  var merged: UnitFile
  /// Where to point diagnostics about it that have no line of their own.
  var position: SourcePosition?
  /// `.user` for a unit of one user's manager.
  var scope: UnitScope = .system
  /// For a user unit: the user whose manager runs it.
  var user: String? = nil

  /// A unit's scope and name, for finding it in a list.
  private struct UnitKey: Hashable {
    var scope: UnitScope
    var name: UnitName
  }

  /// Every unit the host installs: the repository's, then the system units earlier plugins
  /// generate, then the user units they generate for one user; each with the drop-ins it gets
  /// so far. User units for every user (no `user`) are left out: no one user's mail covers them.
  static func all(_ declarations: HostDeclarations, _ contributions: Contributions) -> [ManagedUnit] {
    var result: [ManagedUnit] = declarations.units.map {
      ManagedUnit(name: $0.name, merged: $0.merged, position: SourcePosition(file: $0.path))
    }
    // Each unit's place in `result`, by scope and name: searching the list for every generated
    // unit and drop-in was quadratic at thousands of units.
    var position: [UnitKey: Int] = [:]
    for (index, unit) in result.enumerated() {
      let key = UnitKey(scope: unit.scope, name: unit.name)
      if position[key] == nil { position[key] = index }
    }
    for generated in contributions.units {
      let key = UnitKey(scope: generated.scope, name: generated.name)
      guard generated.scope == .system || generated.user != nil, position[key] == nil
      else { continue }
      let parsed =
        (try? UnitFile.parse(String(decoding: generated.contents, as: UTF8.self)).get())
        ?? UnitFile()
      position[key] = result.count
      result.append(
        ManagedUnit(
          name: generated.name, merged: parsed, position: generated.position,
          scope: generated.scope, user: generated.scope == .user ? generated.user : nil))
    }
    for dropIn in contributions.dropIns.sorted(by: { $0.fileName < $1.fileName }) {
      guard
        let index = position[UnitKey(scope: dropIn.scope, name: dropIn.unit)],
        case .success(let parsed) = UnitFile.parse(String(decoding: dropIn.contents, as: UTF8.self))
      else { continue }
      result[index].merged = UnitFile.merged(result[index].merged, dropIns: [parsed])
    }
    return result.sorted { ($0.scope, $0.name) < ($1.scope, $1.name) }
  }

  /// The name for messages: `USER/NAME` for a user unit.
  var label: String { user.map { "\($0)/\(name)" } ?? name.rawValue }

  /// The position of an assignment: its file and line when it comes from the repository.
  func position(of assignment: UnitFile.Assignment?) -> SourcePosition? {
    guard let assignment, !assignment.file.isEmpty else { return position }
    return SourcePosition(file: assignment.file, line: assignment.line)
  }
}
