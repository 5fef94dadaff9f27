/// A systemd unit file shipped by a layer under `units/`, with its drop-ins, verbatim.
public struct RepositoryUnit: Sendable {
  public var name: UnitName
  /// The label of the layer that ships it.
  public var layer: String
  /// Repository path of the file (`roles/report/units/report.timer`).
  public var path: String
  /// The bytes, installed as they are.
  public var contents: [UInt8]
  /// A reading of the bytes, for plugins that look inside (hardening, email lints).
  public var parsed: UnitFile
  /// Drop-ins from `units/NAME.d/*.conf`, sorted by file name.
  public var dropIns: [RepositoryDropIn]

  public init(
    name: UnitName, layer: String, path: String, contents: [UInt8], parsed: UnitFile,
    dropIns: [RepositoryDropIn] = []
  ) {
    self.name = name
    self.layer = layer
    self.path = path
    self.contents = contents
    self.parsed = parsed
    self.dropIns = dropIns
  }

  /// The unit as systemd would load it: the file followed by its drop-ins.
  public var merged: UnitFile { UnitFile.merged(parsed, dropIns: dropIns.map(\.parsed)) }
}

/// A drop-in file (`NAME.d/FILE.conf`) shipped in the repository.
public struct RepositoryDropIn: Sendable {
  /// The file name, e.g. `10-limits.conf`.
  public var fileName: String
  /// Repository path.
  public var path: String
  public var contents: [UInt8]
  public var parsed: UnitFile

  public init(fileName: String, path: String, contents: [UInt8], parsed: UnitFile) {
    self.fileName = fileName
    self.path = path
    self.contents = contents
    self.parsed = parsed
  }
}
