import Core

extension SubidsPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredSubids {
    var byUser: [String: DesiredSubids.Request] = [:]
    // Users whose count was given (`subids: { count: N }`); a request without one (a
    // container's) takes the given count, whichever plugin asked first.
    var counted = Set<String>()
    for requirement in contributions.accounts where requirement.subordinateIDs {
      let count = requirement.subordinateCount ?? 65536
      let request =
        requirement.subordinateStart.map {
          SubordinateRangeAllocator.Request(user: requirement.user, start: $0, count: count)
        } ?? SubordinateRangeAllocator.Request(user: requirement.user, count: count)
      let explicit = requirement.subordinateCount != nil
      guard var merged = byUser[requirement.user] else {
        byUser[requirement.user] = .init(
          request: request, origin: requirement.origin, position: requirement.position)
        if explicit { counted.insert(requirement.user) }
        continue
      }
      let other = merged
      let sameStart =
        other.request.start == nil || request.start == nil || other.request.start == request.start
      let sameCount = !explicit || !counted.contains(requirement.user) || other.request.count == count
      guard sameStart && sameCount else {
        diagnostics.error(
          "\(requirement.origin) asks for subordinate IDs of '\(requirement.user)' that differ from what \(other.origin) asks",
          at: requirement.position, code: "conflicting-subids",
          notes: other.position.map { ["the other request is at \($0)"] } ?? [])
        continue
      }
      if other.request.start == nil && request.start != nil {
        merged = .init(request: request, origin: requirement.origin, position: requirement.position)
        if counted.contains(requirement.user) { merged.request.count = other.request.count }
      }
      if explicit && !counted.contains(requirement.user) {
        merged.request.count = count
        merged.origin = requirement.origin
        merged.position = requirement.position
        counted.insert(requirement.user)
      }
      byUser[requirement.user] = merged
    }
    return DesiredSubids(requests: byUser.values.sorted { $0.request.user < $1.request.user })
  }

  public func observe(_ desired: DesiredSubids, ledger: Ledger, host: Host) throws -> ObservedSubids {
    let files = SubordinateIDFiles(fs: host.fs)
    let subuid = try files.subuid()
    let subgid = try files.subgid()
    let accounts = AccountFiles(host: host)
    let passwd = try accounts.passwd()
    let group = try accounts.group()
    return ObservedSubids(
      subuid: subuid.ranges, subgid: subgid.ranges, problems: subuid.problems + subgid.problems,
      uids: Dictionary(passwd.entries.map { ($0.name, $0.uid) }, uniquingKeysWith: { a, _ in a }),
      gids: Dictionary(group.entries.map { ($0.name, $0.gid) }, uniquingKeysWith: { a, _ in a }))
  }

  public func plan(
    _ desired: DesiredSubids, observed: ObservedSubids, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    for problem in observed.problems { result.diagnostics.append(problem) }
    let requests = desired.requests.map(\.request)
    let positions = Dictionary(
      desired.requests.map { ($0.request.user, $0.position) }, uniquingKeysWith: { a, _ in a })
    func allocate(_ file: String, _ existing: [SubordinateRange], _ ids: [String: UInt32])
      -> [String: SubordinateRangeAllocator.Allocation]
    {
      do {
        let allocations = try SubordinateRangeAllocator(
          existing: existing, realIDs: ids, file: file
        ).allocate(requests)
        return Dictionary(allocations.map { ($0.user, $0) }, uniquingKeysWith: { a, _ in a })
      } catch {
        for problem in error.problems {
          result.diagnostics.error(
            problem.message, at: positions[problem.user] ?? nil, code: "subids")
        }
        return [:]
      }
    }
    let uids = allocate("/etc/subuid", observed.subuid, observed.uids)
    let gids = allocate("/etc/subgid", observed.subgid, observed.gids)
    guard !result.diagnostics.hasErrors else { return result }

    for request in desired.requests {
      let user = request.request.user
      guard let uid = uids[user], let gid = gids[user] else { continue }
      let applied = Self.fingerprint(uid.ranges, gid.ranges)
      let entry = ledger[request.address]
      let record = Ledger.Entry(
        plugin: name, applied: applied,
        declared:
          "count=\(request.request.count) start=\(request.request.start.map(String.init) ?? "auto")",
        created: entry?.created ?? (uid.isNew || gid.isNew),
        facts: [
          "subuid": uid.ranges.map(\.description).joined(separator: ", "),
          "subgid": gid.ranges.map(\.description).joined(separator: ", "),
        ])
      guard uid.isNew || gid.isNew else {
        if record != entry { result.ledgerUpdates[request.address] = record }
        continue
      }
      let adding = (uid.isNew ? uid.ranges.first : nil, gid.isNew ? gid.ranges.first : nil)
      var parts: [String] = []
      if let range = adding.0 { parts.append("UIDs \(range.start)-\(range.end - 1)") }
      if let range = adding.1 { parts.append("GIDs \(range.start)-\(range.end - 1)") }
      let migrate =
        host.live ? "; rootless podman then needs 'podman system migrate' as \(user)" : ""
      result.changes.append(
        Change(
          address: request.address, action: .create, cause: ChangeClassifier.absentCause(entry: entry),
          plugin: name,
          summary: "give \(user) subordinate " + parts.joined(separator: " and ") + migrate,
          diff: (adding.0.map { ["+/etc/subuid: \($0.line)"] } ?? [])
            + (adding.1.map { ["+/etc/subgid: \($0.line)"] } ?? []),
          dependsOn: [Address("user", user)],
          payload: SubidsPayload(user: user, uids: adding.0, gids: adding.1, record: record)))
    }
    // Ranges are never taken back: a user that stops asking keeps them (its container files
    // are owned by those IDs); reconcile only forgets it manages them.
    let wanted = Set(desired.requests.map(\.address))
    for address in ledger.addresses(of: name) where !wanted.contains(address) {
      result.ledgerUpdates[address] = .some(nil)
    }
    return result
  }

  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    let payload = try change.payload(as: SubidsPayload.self)
    let tools = ShadowUtils(root: host.fs.root)
    if let command = tools.addSubordinateIDs(
      payload.user, uids: payload.uids?.ids, gids: payload.gids?.ids)
    {
      try ShadowUtilsRunner().run(command)
    }
    ledger[change.address] = payload.record
    return host.isLive
      ? "run 'podman system migrate' as \(payload.user) before its next container starts" : nil
  }

  static func fingerprint(_ uids: [SubordinateRange], _ gids: [SubordinateRange]) -> String {
    "subuid=" + uids.map(\.line).joined(separator: ",") + " subgid="
      + gids.map(\.line).joined(separator: ",")
  }
}
