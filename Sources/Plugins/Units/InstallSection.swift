import Core

/// The `[Install]` section of a unit and the symlinks enabling it creates, computed as
/// `systemctl enable` (and `systemctl --root=DIR enable`) does: `WantedBy=` links in
/// `TARGET.wants/`, `RequiredBy=` in `.requires/`, `UpheldBy=` in `.upholds/`, `Alias=`
/// links beside the unit, `Also=` units enabled with it, and templates enabled through
/// `DefaultInstance=` (src/shared/install.c, `install_info_symlink_wants`).
public struct InstallSection: Sendable, Hashable, Codable {
  public var wantedBy: [String]
  public var requiredBy: [String]
  public var upheldBy: [String]
  public var alias: [String]
  public var also: [String]
  public var defaultInstance: String?

  /// Reads the section from a merged unit file.
  public init(_ unit: UnitFile) {
    wantedBy = unit.words("Install", "WantedBy")
    requiredBy = unit.words("Install", "RequiredBy")
    upheldBy = unit.words("Install", "UpheldBy")
    alias = unit.words("Install", "Alias")
    also = unit.words("Install", "Also")
    defaultInstance = unit.value("Install", "DefaultInstance")
  }

  /// Whether enabling the unit does anything at all.
  public var isEmpty: Bool {
    wantedBy.isEmpty && requiredBy.isEmpty && upheldBy.isEmpty && alias.isEmpty && also.isEmpty
  }

  /// A symlink enabling creates: where, and what it points at.
  public struct Link: Sendable, Hashable, Codable, Comparable {
    public var path: HostPath
    public var target: String
    public static func < (a: Link, b: Link) -> Bool { a.path < b.path }
    public var description: String { "\(path) -> \(target)" }
  }

  /// The links enabling `unit` (installed in `scope`) creates. For a template, `unit` may be
  /// an instance name (enabling that instance) or the template (enabling its default instance).
  public func links(for unit: UnitName, scope: UnitScope) -> [Link] {
    let folder = scope.folder
    let fileName = unit.template?.rawValue ?? unit.rawValue
    let target = folder.child(fileName).description
    var enabledName: String? = unit.rawValue
    if unit.isTemplate {
      enabledName = defaultInstance.flatMap { UnitName(unit.stem + $0 + "." + unit.suffix)?.rawValue }
    }
    var links: [Link] = []
    if let enabledName {
      for (targets, suffix) in [(wantedBy, ".wants"), (requiredBy, ".requires"), (upheldBy, ".upholds")] {
        for dependent in targets {
          guard let dependentName = UnitName(dependent) else { continue }
          links.append(Link(path: folder.child(dependentName.rawValue + suffix).child(enabledName), target: target))
        }
      }
    }
    for name in alias {
      guard let aliasName = UnitName(name), aliasName != unit else { continue }
      links.append(Link(path: folder.child(aliasName.rawValue), target: target))
    }
    return links.sorted()
  }
}
