import Core

extension HardeningPlugin {
  /// Reads each scored unit as installed now: `FOLDER/NAME` and `FOLDER/NAME.d/*.conf`,
  /// through one reader (a walk from the root for each file was most of this plugin's cost).
  public func observe(_ desired: DesiredHardening, ledger: Ledger, host: Host) throws
    -> ObservedHardening
  {
    var observed = ObservedHardening()
    try host.fs.withReader { reader in
      for unit in desired.units {
        var installed = ObservedHardening.Installed()
        installed.unitFile = try Self.text(at: unit.folder.child(unit.name.rawValue), reader)
        let folder = unit.folder.child(unit.name.rawValue + ".d")
        for file in try reader.list(folder) ?? [] where file.hasSuffix(".conf") {
          if let text = try Self.text(at: folder.child(file), reader) {
            installed.dropIns[file] = text
          }
        }
        // A unit already as desired needs no text: the plan scores only units whose files change.
        observed.units[unit.key] = changes(unit, installed) ? installed : .init(asDesired: true)
      }
    }
    return observed
  }

  /// The text of a regular file; nil when missing or something else (a mask, a folder).
  private static func text(at path: HostPath, _ reader: borrowing RootedFileSystem.Reader) throws -> String? {
    guard case .file(let bytes, _) = try reader.find(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Notes only: for every scored unit whose files change, its exposure before (as installed)
  /// and after; for every unit allowed above the host-wide limit, its limit and reason. The
  /// drop-ins themselves are installed by the units plugin.
  public func plan(
    _ desired: DesiredHardening, observed: ObservedHardening, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var notes: [String] = []
    for unit in desired.units {
      let installed = observed.units[unit.key] ?? .init()
      let exception =
        unit.isException
        ? " (allowed \(tenths(unit.limit ?? 0)), above the host-wide "
          + "\(tenths(desired.hostLimit ?? 0)): \(unit.reason ?? "no reason given"))" : ""
      guard installed.asDesired != true, changes(unit, installed) else {
        if unit.isException {
          notes.append("\(unit.name) \(exposureSummary(unit.exposure))\(exception)")
        }
        continue
      }
      let before = installed.unitFile.map { score(unit, file: $0, dropIns: installed.dropIns) }
      var after = unit.dropIns.mapValues { String(decoding: $0, as: UTF8.self) }
      for (file, text) in installed.dropIns where after[file] == nil {
        let entry = ledger[Address("drop-in", unit.key + "/" + file)]
        if entry?.plugin == "units" && entry?.created == true { continue }  // pruned by units
        after[file] = text
      }
      let afterReport = score(
        unit, file: String(decoding: unit.unitFile, as: UTF8.self), dropIns: after)
      notes.append(
        "\(unit.name) \(before?.summary ?? "not installed") -> \(afterReport.summary)\(exception)")
    }
    return PluginPlan(notes: notes)
  }

  /// Whether the unit file or one of the drop-ins reconcile installs for it differs on the host.
  private func changes(_ unit: DesiredHardening.Unit, _ installed: ObservedHardening.Installed)
    -> Bool
  {
    if installed.unitFile.map({ Array($0.utf8) }) != unit.unitFile { return true }
    return unit.dropIns.contains { file, bytes in
      installed.dropIns[file].map { Array($0.utf8) } != bytes
    }
  }

  /// The exposure of the unit made of `file` and `dropIns` (file-name order).
  private func score(_ unit: DesiredHardening.Unit, file: String, dropIns: [String: String])
    -> ExposureReport
  {
    let base = (try? UnitFile.parse(file, file: unit.name.rawValue).get()) ?? UnitFile()
    let parts = dropIns.sorted { $0.key < $1.key }.compactMap {
      try? UnitFile.parse($0.value, file: $0.key).get()
    }
    return ExposureReport(unit: UnitFile.merged(base, dropIns: parts), name: unit.name)
  }
}
