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
      observed.userRuntime = try observeUserManagers(desired, ledger: ledger, host: host)
    }
    return observed
  }

  /// The states of user units in the managers of their users: those declared for one user,
  /// and those reconcile installed for one (to stop them when they go). A user that does not
  /// exist yet, or whose manager is not running, is left out: its units are started after it
  /// comes up.
  private func observeUserManagers(_ desired: DesiredUnits, ledger: Ledger, host: Host) throws
    -> [String: [UnitName: UnitRuntimeState]]
  {
    var byUser: [String: Set<UnitName>] = [:]
    for activation in desired.activations where activation.scope == .user {
      if let user = activation.user { byUser[user, default: []].insert(activation.unit) }
    }
    for address in ledger.addresses(of: name) where address.kind == "unit" {
      guard let user = ledger[address]?.facts["user"],
        let unit = UnitName(String(address.name.split(separator: "/").last ?? ""))
      else { continue }
      byUser[user, default: []].insert(unit)
    }
    guard !byUser.isEmpty else { return [:] }
    let passwd = try AccountFiles(fs: host.fs).passwd()
    var result: [String: [UnitName: UnitRuntimeState]] = [:]
    for (user, units) in byUser {
      guard let uid = passwd.entry(named: user)?.uid, let manager = host.userManager(uid) else {
        continue
      }
      result[user] = try manager.states(of: units.sorted())
    }
    return result
  }

  /// The links an enablement ledger entry says reconcile created.
  static func links(in entry: Ledger.Entry) -> [InstallSection.Link] {
    guard let text = entry.facts["links"], !text.isEmpty else { return [] }
    return text.split(separator: "\n").compactMap { line in
      let text = String(line)
      guard let arrow = text.firstRange(of: " -> "), let path = HostPath(String(text[..<arrow.lowerBound])) else {
        return nil
      }
      return InstallSection.Link(path: path, target: String(text[arrow.upperBound...]))
    }
  }
}
