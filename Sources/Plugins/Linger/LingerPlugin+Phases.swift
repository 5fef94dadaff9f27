import Core

extension LingerPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredLinger {
    var desired = DesiredLinger()
    for requirement in contributions.accounts
    where requirement.linger && desired.users[requirement.user] == nil {
      desired.users[requirement.user] = requirement.position
    }
    return desired
  }

  /// Reads `/var/lib/systemd/linger`, which logind keeps current on a live host too.
  public func observe(_ desired: DesiredLinger, ledger: Ledger, host: Host) throws -> ObservedLinger {
    var observed = ObservedLinger()
    let names = Set(desired.users.keys).union(ledger.addresses(of: name).map(\.name))
    for user in names where HostPath.isValidComponent(user) {
      if try host.fs.status(Self.folder.child(user)) != nil { observed.lingering.insert(user) }
    }
    return observed
  }

  public func plan(
    _ desired: DesiredLinger, observed: ObservedLinger, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    for user in desired.users.keys.sorted() {
      let address = Address("linger", user)
      let entry = ledger[address]
      guard !observed.lingering.contains(user) else {
        if entry == nil || entry?.interrupted == true {
          result.ledgerUpdates[address] = record(created: entry?.created ?? false)
        }
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .create, cause: ChangeClassifier.absentCause(entry: entry), plugin: name,
          summary: host.live
            ? "enable linger for \(user) through logind (its user manager starts now and at boot)"
            : "enable linger for \(user) (\(Self.folder.child(user)); its user manager starts at boot)",
          dependsOn: [Address("user", user)], payload: LingerPayload(user: user, enable: true)))
    }
    for address in ledger.addresses(of: name) where desired.users[address.name] == nil {
      guard let entry = ledger[address], entry.created, observed.lingering.contains(address.name)
      else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .delete, cause: .prune, plugin: name,
          summary: "disable linger for \(address.name) (no longer asked for)",
          dependsOn: [Address("user", address.name)],
          payload: LingerPayload(user: address.name, enable: false)))
    }
    return result
  }

  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    let payload = try change.payload(as: LingerPayload.self)
    let path = Self.folder.child(payload.user)
    if let login = host.login {
      guard let uid = try AccountFiles(fs: host.fs).passwd().entry(named: payload.user)?.uid else {
        throw LingerError(user: payload.user, reason: "there is no such user in /etc/passwd")
      }
      try login.setLinger(uid: uid, enabled: payload.enable)
    } else if payload.enable {
      try host.fs.write(path, [], mode: 0o644)
    } else {
      try host.fs.remove(path)
    }
    ledger[change.address] =
      payload.enable ? record(created: ledger[change.address]?.created ?? true) : nil
    return nil
  }

  private func record(created: Bool) -> Ledger.Entry {
    Ledger.Entry(plugin: name, applied: "lingering", declared: "linger", created: created)
  }
}

/// Linger could not be changed for a user.
struct LingerError: Error, CustomStringConvertible {
  var user: String
  var reason: String
  var description: String { "cannot change linger for \(user): \(reason)" }
}
