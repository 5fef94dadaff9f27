import Core

/// A file-system `Condition*=` of a unit that reconcile can check itself, so that it does not
/// ask systemd to start, every run, a unit that systemd would skip (systemd forgets that it
/// skipped a unit once the unit is unloaded, so the skip cannot be observed).
/// Semantics from systemd.unit(5): `!` negates; a `|` (triggering) condition is not evaluated
/// here, and a unit with one is always started.
struct UnitCondition: Sendable, Codable, Hashable {
  enum Kind: String, Sendable, Codable {
    case pathExists = "ConditionPathExists"
    case pathIsDirectory = "ConditionPathIsDirectory"
    case fileIsExecutable = "ConditionFileIsExecutable"
    case fileNotEmpty = "ConditionFileNotEmpty"
  }

  var kind: Kind
  var path: HostPath
  var negated: Bool

  /// The checkable conditions of `unit`; nil when it has one reconcile cannot check.
  static func conditions(of unit: UnitFile) -> [UnitCondition]? {
    var result: [UnitCondition] = []
    for assignment in unit.assignments where assignment.section == "Unit" && assignment.key.hasPrefix("Condition") {
      if assignment.value.isEmpty {
        result.removeAll { $0.kind.rawValue == assignment.key }
        continue
      }
      guard let kind = Kind(rawValue: assignment.key) else { return nil }
      var value = Substring(assignment.value)
      if value.hasPrefix("|") { return nil }
      let negated = value.hasPrefix("!")
      if negated { value = value.dropFirst() }
      guard let path = HostPath(String(value)) else { return nil }
      result.append(UnitCondition(kind: kind, path: path, negated: negated))
    }
    return result
  }

  /// Whether the condition holds on the host.
  func holds(on fs: RootedFileSystem) -> Bool {
    let status = fs.statusFollowingLinks(path)
    let value: Bool
    switch kind {
    case .pathExists: value = status != nil
    case .pathIsDirectory: value = status?.kind == .directory
    case .fileIsExecutable: value = status?.kind == .regular && (status!.mode & 0o111) != 0
    case .fileNotEmpty: value = status?.kind == .regular && status!.size > 0
    }
    return value != negated
  }

  var description: String { "\(kind.rawValue)=\(negated ? "!" : "")\(path)" }
}
