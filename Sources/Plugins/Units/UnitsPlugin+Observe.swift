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
    // The text is kept for diffs, so not for a file that is already as desired: the text of
    // every installed file of a large host is megabytes.
    let desiredContents = Dictionary(
      desired.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
    // Through one reader: nearly every file is in /etc/systemd/system, a drop-in folder or a
    // .wants folder, and walking from the root for each one made most of a no-op run's
    // system calls. Folder by folder, so that each is walked to once.
    try host.fs.withReader { reader in
      for path in Dictionary(grouping: paths, by: \.parent).values.joined() {
        guard let status = try reader.status(path) else { continue }
        switch status.kind {
        case .regular:
          let bytes = try reader.read(path) ?? []
          observed.files[path] = .init(
            fingerprint: Fingerprint.of(bytes),
            text: desiredContents[path] == bytes ? nil : String(decoding: bytes, as: UTF8.self))
        case .symlink:
          let target = try reader.symlinkTarget(path) ?? ""
          observed.files[path] = .init(fingerprint: "symlink:" + target, text: nil)
        default:
          observed.files[path] = .init(fingerprint: "other", text: nil)
        }
      }
      for path in Dictionary(grouping: linkPaths, by: \.parent).values.joined() {
        if let target = try reader.symlinkTarget(path) { observed.links[path] = target }
      }
    }
    if let systemd = host.systemd {
      var units = Set(desired.activations.filter { $0.scope == .system }.map(\.unit))
      for address in ledger.addresses(of: name, kind: "enablement") {
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
    for address in ledger.addresses(of: name, kind: "unit") {
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
    // On the bytes: read for every enablement in every run, a search of characters cost
    // more than reading the links from disk.
    let bytes = Array(text.utf8)
    let arrow = Array(" -> ".utf8)
    return bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
      guard let at = line.indices.first(where: { line[$0...].starts(with: arrow) }),
        let path = HostPath(String(decoding: line[..<at], as: UTF8.self))
      else { return nil }
      let target = String(decoding: line[(at + arrow.count)...], as: UTF8.self)
      return InstallSection.Link(path: path, target: target)
    }
  }
}
