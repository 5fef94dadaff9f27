import Core

extension UnitsPlugin {
  public func observe(_ desired: DesiredUnits, ledger: Ledger, host: Host) throws -> ObservedUnits {
    var observed = ObservedUnits()
    observed.files.reserveCapacity(desired.files.count)
    // Files reconcile installed that are no longer declared: their paths, from the ledger.
    var installedPaths: [HostPath] = []
    // The files and activations read in place, not copied one by one (each copy retained
    // their texts, long out of the caches at thousands of units; see `DesiredUnits.File.path`).
    var linkPaths = Set<HostPath>()
    for index in desired.activations.indices {
      let activation = (unit: desired.activations[index].unit, scope: desired.activations[index].scope)
      for link in desired.activations[index].install.links(for: activation.unit, scope: activation.scope) {
        linkPaths.insert(link.path)
      }
    }
    for (_, entry) in ledger.entries(of: name) {
      if let path = entry.facts["path"].flatMap(HostPath.init) { installedPaths.append(path) }
      for link in Self.links(in: entry) { linkPaths.insert(link.path) }
    }
    // Through one reader: nearly every file is in /etc/systemd/system, a drop-in folder or a
    // .wants folder, and walking from the root for each one made most of a no-op run's
    // system calls. The declared files come sorted by path, and the ledger's by address, so
    // a folder is walked to about once.
    var fingerprints: [SharedBytes: String] = [:]
    try host.fs.withReader { reader in
      try desired.files.withUnsafeBufferPointer { files in
        for index in files.indices {
          let path = files.path(at: index)
          if observed.files[path] == nil {
            observed.files[path] = try Self.observeFile(
              path, desired: files[index].contents, reader, fingerprints: &fingerprints)
          }
        }
      }
      for path in installedPaths where observed.files[path] == nil {
        observed.files[path] = try Self.observeFile(path, desired: nil, reader, fingerprints: &fingerprints)
      }
      observed.links.reserveCapacity(linkPaths.count)
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
    for (address, entry) in ledger.entries(of: name, kind: "unit") {
      guard let user = entry.facts["user"],
        let unit = UnitName(String(address.name.split(separator: "/").last ?? ""))
      else { continue }
      byUser[user, default: []].insert(unit)
    }
    guard !byUser.isEmpty else { return [:] }
    let passwd = try AccountFiles(host: host).passwd()
    var result: [String: [UnitName: UnitRuntimeState]] = [:]
    for (user, units) in byUser {
      guard let uid = passwd.entry(named: user)?.uid, let manager = host.userManager(uid) else {
        continue
      }
      result[user] = try manager.states(of: units.sorted())
    }
    return result
  }

  /// The file at `path` as found; nil when there is none. Its text is kept for diffs, so not
  /// when its bytes are the `desired` ones: the text of every installed file of a large host
  /// is megabytes.
  ///
  /// A file found as desired takes its fingerprint from `fingerprints` when its desired bytes
  /// are a buffer already hashed: the units hardening gives one profile share one drop-in's
  /// bytes, which were hashed once per unit (most of the hashing of a large host). The key is
  /// the buffer's address, unique while every desired file is held (as through `observe`).
  private static func observeFile(
    _ path: HostPath, desired: [UInt8]?, _ reader: borrowing RootedFileSystem.Reader,
    fingerprints: inout [SharedBytes: String]
  ) throws -> ObservedUnits.File? {
    switch try reader.find(path) {
    case nil:
      return nil
    case .file(let bytes, _):
      guard let desired, desired == bytes else {
        return .init(
          fingerprint: Fingerprint.of(bytes), text: String(decoding: bytes, as: UTF8.self), isDesired: false)
      }
      let key = SharedBytes(desired)
      let fingerprint = fingerprints[key] ?? Fingerprint.of(bytes)
      fingerprints[key] = fingerprint
      return .init(fingerprint: fingerprint, text: nil, isDesired: true)
    case .symlink(let target):
      return .init(fingerprint: "symlink:" + target, text: nil)
    case .other:
      return .init(fingerprint: "other", text: nil)
    }
  }

  /// An array's buffer: its address and length.
  struct SharedBytes: Hashable {
    var address: UInt
    var count: Int

    init(_ bytes: [UInt8]) {
      address = bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      count = bytes.count
    }
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
