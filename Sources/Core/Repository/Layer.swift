/// One layer of a host's desired state: a role the host is made of, or the host itself
/// (which comes last, so its declarations sit on top of its roles').
public struct Layer: Sendable {
  /// Whether the layer is a role or the host's own file.
  public enum Kind: String, Sendable { case role, host }

  public var kind: Kind
  /// The role or host name.
  public var name: String
  /// The layer's folder in the repository (`roles/NAME` or `hosts/NAME`); it may not exist.
  public var directory: String
  /// The YAML file of the layer (`roles/NAME/role.yaml` or `hosts/NAME.yaml`).
  public var file: String
  /// Top-level sections of the file, keyed by module key (`units`, `users`, ...).
  public var sections: [String: YAMLNode]

  public init(kind: Kind, name: String, directory: String, file: String, sections: [String: YAMLNode]) {
    self.kind = kind
    self.name = name
    self.directory = directory
    self.file = file
    self.sections = sections
  }

  /// `role 'bitcoin'` or `host 'gemini'`, for messages.
  public var label: String { "\(kind.rawValue) '\(name)'" }
}
