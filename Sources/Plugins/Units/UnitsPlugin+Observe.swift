import Core

extension UnitsPlugin {
  public func observe(_ desired: DesiredUnits, ledger: Ledger, host: Host) throws -> ObservedUnits {
    var observed = ObservedUnits()
    var paths = Set(desired.files.map(\.path))
    var linkPaths = Set(desired.activations.flatMap { $0.install.links(for: $0.unit, scope: $0.scope).map(\.path) })
    for address in ledger.addresses(of: name) {
      guard let entry = ledger[address] else { continue }
      if let path = entry.facts["path"].flatMap(HostPath.init) { paths.insert(path) }
      for link in Self.links(in: entry) { linkPaths.insert(link.path) }
    }
    for path in paths {
      guard let status = try host.fs.status(path) else { continue }
      switch status.kind {
      case .regular:
        let bytes = try host.fs.read(path) ?? []
        observed.files[path] = .init(fingerprint: Fingerprint.of(bytes), text: String(decoding: bytes, as: UTF8.self))
      case .symlink:
        observed.files[path] = .init(fingerprint: "symlink:" + (try host.fs.symlinkTarget(path) ?? ""), text: nil)
      default:
        observed.files[path] = .init(fingerprint: "other", text: nil)
      }
    }
    for path in linkPaths {
      if let target = try host.fs.symlinkTarget(path) { observed.links[path] = target }
    }
    if let systemd = host.systemd {
      var units = Set(desired.activations.filter { $0.scope == .system }.map(\.unit))
      for address in ledger.addresses(of: name) where address.kind == "enablement" {
        if let unit = UnitName(address.name) { units.insert(unit) }
      }
      observed.runtime = try systemd.states(of: units.sorted())
      observed.live = true
      for activation in desired.activations where activation.start {
        if let unmet = activation.conditions?.first(where: { !$0.holds(on: host.fs) }) {
          observed.unmetConditions[activation.unit] = unmet.description
        }
      }
    }
    return observed
  }

  /// The links an enablement ledger entry says reconcile created.
  static func links(in entry: Ledger.Entry) -> [InstallSection.Link] {
    guard let text = entry.facts["links"], !text.isEmpty else { return [] }
    // On the bytes: read for every enablement in every run, a search of characters cost
    // more than reading the links from disk.
    let bytes = Array(text.utf8)
    let arrow = Array(" -> ".utf8)
    return bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
      guard let at = line.indices.first(where: { line[$0...].starts(with: arrow) }),
        let path = HostPath(String(decoding: line[..<at], as: UTF8.self))
      else { return nil }
      return InstallSection.Link(path: path, target: String(decoding: line[(at + arrow.count)...], as: UTF8.self))
    }
  }
}
