/// Everything the repository says about one host, read and syntax-checked: its layers in
/// order (roles, then the host itself) and the unit files they ship. Plugins decode their
/// sections from here.
public struct HostDeclarations: Sendable {
  /// The host name (`hosts/NAME.yaml`).
  public var host: String
  /// Layers in order; later layers are on top.
  public var layers: [Layer]
  /// Unit files of all layers, sorted by name; a unit shipped twice is an error at load.
  public var units: [RepositoryUnit]
  /// The tree the declarations come from, for files plugins ship.
  public var tree: any StateTree
  /// Fingerprints of the tree's files that earlier runs recorded (none unless the engine was
  /// given the ledger): `fingerprint(of:limit:plugin:)` uses them instead of reading a file.
  public var recorded: RecordedFingerprints

  public init(
    host: String, layers: [Layer], units: [RepositoryUnit], tree: any StateTree,
    recorded: RecordedFingerprints = RecordedFingerprints()
  ) {
    self.host = host
    self.layers = layers
    self.units = units
    self.tree = tree
    self.recorded = recorded
  }

  /// The fingerprint of the file `path` of the tree: one that `plugin` recorded, while the
  /// file still has the identity recorded with it (nothing of the file is read); otherwise
  /// the file read and hashed, a piece at a time.
  public func fingerprint(of path: String, limit: Int, plugin: String) throws -> FileFingerprint {
    try tree.fingerprint(
      of: path, limit: limit, recorded: recorded.fingerprints(of: path, plugin: plugin))
  }

  /// Every layer's node for the section `key`, in layer order.
  public func sections(_ key: String) -> [(layer: Layer, node: YAMLNode)] {
    layers.compactMap { layer in layer.sections[key].map { (layer, $0) } }
  }

  /// The repository unit named `name`, if a layer ships it.
  public func unit(_ name: UnitName) -> RepositoryUnit? {
    units.first { $0.name == name }
  }
}
