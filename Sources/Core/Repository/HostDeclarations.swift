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

  public init(host: String, layers: [Layer], units: [RepositoryUnit], tree: any StateTree) {
    self.host = host
    self.layers = layers
    self.units = units
    self.tree = tree
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
