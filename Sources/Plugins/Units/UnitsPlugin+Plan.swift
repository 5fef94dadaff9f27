import Core

extension UnitsPlugin {
  public func plan(_ desired: DesiredUnits, observed: ObservedUnits, ledger: Ledger, host: HostFacts) -> PluginPlan {
    var result = PluginPlan()
    var changedUnits = Set<UnitName>()
    // Changes of system unit files: only these need the system manager's reload (a user
    // unit's reaches its user's manager below).
    var systemFileChanges: [Address] = []
    // User units made for one user: which changed, by user, and the file changes of each user.
    var changedUserUnits: [String: Set<UnitName>] = [:]
    var userFileChanges: [String: [Address]] = [:]
    // Changes of user units for every user (`/etc/systemd/user`, no `ConditionUser=`): every
    // manager reconcile drives re-reads them.
    var sharedUserFileChanges: [Address] = []
    var desiredAddresses = Set<Address>(
      minimumCapacity: desired.files.count + desired.activations.count)
    // Addresses of the activations reconcile starts.
    var started = Set<Address>()
    desired.activations.withUnsafeBufferPointer { activations in
      for index in activations.indices {
        let (scope, unit) = (activations[index].scope, activations[index].unit)
        desiredAddresses.insert(DesiredUnits.Activation.address(scope, unit))
        if activations[index].start {
          started.insert(Address("activation", (scope == .user ? "user/" : "") + unit.rawValue))
        }
      }
    }

    // A file changed on the host: its manager re-reads it, and its unit restarts (or starts).
    func fileChanged(_ files: UnsafeBufferPointer<DesiredUnits.File>, _ index: Int, _ address: Address) {
      let (unit, restartsUnit) = (files[index].unit, files[index].restartsUnit)
      switch files[index].scope {
      case .system:
        if restartsUnit { changedUnits.insert(unit) }
        systemFileChanges.append(address)
      case .user:
        if let user = files[index].user {
          if restartsUnit { changedUserUnits[user, default: []].insert(unit) }
          userFileChanges[user, default: []].append(address)
        } else {
          sharedUserFileChanges.append(address)
        }
      }
    }

    // Unit files and drop-ins, read in place, field by field: a file taken from the list (by a
    // `for`, or to ask it for its `path`) was copied, retaining its text, long out of the
    // caches at thousands of units.
    func planFile(_ files: UnsafeBufferPointer<DesiredUnits.File>, _ index: Int) {
      let (path, address) = (files.path(at: index), files.address(at: index))
      desiredAddresses.insert(address)
      let seen = observed.files[path]
      // A file found as desired was hashed when it was observed: its bytes are these.
      let fingerprint = seen?.isDesired == true ? seen!.fingerprint : Fingerprint.of(files[index].contents)
      let entry = ledger[address]
      let (user, reloadOnly) = (files[index].user, !files[index].restartsUnit)
      guard
        let cause = result.cause(
          of: address, fingerprint: fingerprint, observed: seen?.fingerprint, entry: entry,
          record: { fileEntry(path, fingerprint, created: $0, user: user, reloadOnly: reloadOnly) })
      else {
        // Written by a run killed before it recorded the file: that run's reload and restart
        // (or first start) may not have happened, so they are planned as for a change.
        if let entry, entry.interrupted == true || entry.applied != fingerprint {
          fileChanged(files, index, address)
        }
        return
      }
      if seen?.fingerprint == "other" || seen?.fingerprint.hasPrefix("symlink:") == true {
        result.diagnostics.error(
          "\(path) exists and is not a regular file; reconcile will not replace it", code: "host-conflict",
          notes: ["remove it by hand if \(files[index].origin) should be installed there"])
        return
      }
      let text = String(decoding: files[index].contents, as: UTF8.self)
      // Observing keeps no text of a file that was already as desired.
      let seenText = seen.map { $0.text ?? ($0.fingerprint == fingerprint ? text : "") }
      let what = files[index].dropIn == nil ? "unit file" : "drop-in"
      result.changes.append(
        Change(
          address: address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
          summary: seen == nil
            ? "install \(what) from \(files[index].origin)" : "replace \(what) (\(cause.explanation))",
          // A plan only applied needs no diff: a new file's is its whole text (MBs at
          // thousands of units, the peak of a first apply).
          diff: host.forDisplay ? TextDiff.lines(from: seenText, to: text) : [], dependsOn: [],
          payload: UnitPayload.file(
            path: path, contents: text, user: user,
            reloadOnly: reloadOnly ? true : nil)))
      // A drop-in systemd takes at daemon-reload alone (restartsUnit false) reloads only.
      fileChanged(files, index, address)
    }
    desired.files.withUnsafeBufferPointer { files in
      for index in files.indices { planFile(files, index) }
    }

    // Files reconcile installed that left the repository.
    var removedUnits = Set<UnitName>()
    var removedUserUnits: [String: Set<UnitName>] = [:]
    for address in ledger.addresses(of: name, kind: "drop-in") + ledger.addresses(of: name, kind: "unit") {
      guard !desiredAddresses.contains(address), let entry = ledger[address] else { continue }
      guard entry.created, let path = entry.facts["path"].flatMap(HostPath.init) else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      guard let seen = observed.files[path] else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      // Rewritten on the host since reconcile wrote it: someone's work, never deleted.
      guard seen.fingerprint == entry.applied else {
        result.ledgerUpdates[address] = .some(nil)
        result.notes.append(
          "kept \(path): it left the repository, but it was changed on the host since reconcile wrote it; reconcile no longer manages it"
        )
        continue
      }
      let unitName = String(address.name.split(separator: "/").first { UnitName(String($0)) != nil } ?? "")
      // Disabling and stopping depend on the file, so (deletions reversing their edges) they
      // happen before the file goes.
      let user = entry.facts["user"]
      if address.kind == "unit", let unit = UnitName(unitName) {
        if let user {
          removedUserUnits[user, default: []].insert(unit)
        } else {
          removedUnits.insert(unit)
        }
      }
      if let user {
        userFileChanges[user, default: []].append(address)
      } else if address.name.hasPrefix("user/") {
        sharedUserFileChanges.append(address)
      }
      result.changes.append(
        Change(
          address: address, action: .delete, cause: .prune, plugin: name,
          summary: "remove \(path) (created by reconcile, no longer in the repository)",
          diff: TextDiff.lines(from: seen.text, to: nil),
          payload: UnitPayload.file(path: path, contents: nil, user: user)))
      if !address.name.hasPrefix("user/") { systemFileChanges.append(address) }
      if let unit = UnitName(unitName), user == nil, entry.facts["reload-only"] != "yes" {
        changedUnits.insert(unit)
      }
    }
    if !sharedUserFileChanges.isEmpty {
      let users = Set(desired.files.compactMap(\.user)).union(userFileChanges.keys)
      for user in users { userFileChanges[user, default: []] += sharedUserFileChanges }
    }

    // A running systemd re-reads unit files once, after every file change, and also when it
    // says a managed unit changed on disk since it read it (NeedDaemonReload: a run killed
    // between writing a file and reloading, or an edit made and undone by hand). The units
    // it has not re-read count as changed, so the running ones restart.
    let stale = observed.runtime.filter { $0.value.needsReload }.keys.sorted()
    changedUnits.formUnion(stale)
    let reload = Address("systemd", "daemon-reload")
    if observed.live && (!systemFileChanges.isEmpty || !stale.isEmpty) {
      let summary =
        systemFileChanges.isEmpty
        ? "reload systemd (it has not read the current files of \(stale.map(\.rawValue).joined(separator: ", ")))"
        : "reload systemd (\(systemFileChanges.count) unit file\(systemFileChanges.count == 1 ? "" : "s") changed)"
      result.changes.append(
        Change(
          address: reload, action: .update, cause: systemFileChanges.isEmpty ? .drift : .consequence, plugin: name,
          summary: summary, dependsOn: systemFileChanges, payload: UnitPayload.reload))
    }
    let afterFiles = observed.live && (!systemFileChanges.isEmpty || !stale.isEmpty) ? [reload] : []

    // Each user manager whose units changed re-reads its unit files once, after the user
    // exists and lingers (so that its manager runs).
    var userReloads: [String: Address] = [:]
    if observed.live {
      for (user, changes) in userFileChanges.sorted(by: { $0.key < $1.key }) {
        let address = Address("user-daemon-reload", user)
        userReloads[user] = address
        result.changes.append(
          Change(
            address: address, action: .update, cause: .consequence, plugin: name,
            summary:
              "reload the systemd manager of \(user) (\(changes.count) user unit file\(changes.count == 1 ? "" : "s") changed)",
            dependsOn: changes + [Address("user", user), Address("linger", user)],
            payload: UnitPayload.userReload(user: user)))
      }
    }

    // Enablement.
    func planEnablement(_ activation: borrowing DesiredUnits.Activation) {
      let address = activation.address
      let entry = ledger[address]
      let unitAddress = Address(
        "unit", (activation.scope == .user ? "user/" : "") + (activation.unit.template ?? activation.unit).rawValue)
      let links = activation.enable ? activation.install.links(for: activation.unit, scope: activation.scope) : []
      let previous = entry.map(Self.links(in:)) ?? []
      let stale = previous.filter { !links.contains($0) && observed.links[$0.path] == $0.target }
      let present = links.filter { observed.links[$0.path] == $0.target }
      let desiredPrint = Fingerprint.of(links: links)
      guard activation.enable || entry != nil else { return }
      let found = present + stale
      let observedPrint: String? = found.isEmpty && !links.isEmpty ? nil : Fingerprint.of(links: found)
      let cause = ChangeClassifier.cause(
        declared: desiredPrint, desired: desiredPrint, observed: observedPrint, entry: entry)
      guard let cause else {
        if entry?.applied != desiredPrint {
          result.ledgerUpdates[address] = enablementEntry(links, created: entry?.created ?? true)
        }
        return
      }
      let summary: String
      if !activation.enable {
        summary = "disable (remove \(stale.count) link\(stale.count == 1 ? "" : "s") reconcile made)"
      } else {
        summary =
          links.isEmpty
          ? "enable (no [Install] links)" : "enable: " + links.map { "\($0.path)" }.joined(separator: ", ")
      }
      result.changes.append(
        Change(
          address: address, action: activation.enable ? (entry == nil ? .create : .update) : .delete, cause: cause,
          plugin: name, summary: summary,
          diff: links.filter { !present.contains($0) }.map { "+\($0.path) -> \($0.target)" }
            + stale.map { "-\($0.path) -> \($0.target)" },
          dependsOn: [unitAddress] + afterFiles,
          payload: UnitPayload.enablement(
            scope: activation.scope, unit: activation.unit, add: links, remove: stale, enable: activation.enable)))
    }
    desired.activations.withUnsafeBufferPointer { activations in
      for index in activations.indices { planEnablement(activations[index]) }
    }

    // Enablements of units that left the repository (or lost their declaration).
    for address in ledger.addresses(of: name, kind: "enablement") where !desiredAddresses.contains(address) {
      guard let entry = ledger[address] else { continue }
      let stale = Self.links(in: entry).filter { observed.links[$0.path] == $0.target }
      let scope: UnitScope = address.name.hasPrefix("user/") ? .user : .system
      guard let unit = UnitName(String(address.name.split(separator: "/").last ?? "")), !stale.isEmpty || observed.live
      else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .delete, cause: .prune, plugin: name,
          summary: "disable (no longer declared)", diff: stale.map { "-\($0.path) -> \($0.target)" },
          dependsOn: [Address("unit", address.name)],
          payload: UnitPayload.enablement(scope: scope, unit: unit, add: [], remove: stale, enable: false)))
    }

    if observed.live {
      planActivations(
        desired, observed: observed, ledger: ledger, changedUnits: changedUnits,
        removedUnits: removedUnits, afterFiles: afterFiles, into: &result)
      planUserActivations(
        desired, observed: observed, ledger: ledger, changed: changedUserUnits,
        removed: removedUserUnits, reloads: userReloads, into: &result)
    }
    // Units no longer to be started: forget that reconcile started them.
    for address in ledger.addresses(of: name, kind: "activation") where !started.contains(address) {
      result.ledgerUpdates[address] = .some(nil)
    }
    return result
  }

  /// In the managers of single users: start what should run, restart what changed, stop what
  /// is removed (live hosts only). A user whose manager did not answer (new, or not lingering
  /// yet) has its units started once the manager is up.
  private func planUserActivations(
    _ desired: DesiredUnits, observed: ObservedUnits, ledger: Ledger, changed: [String: Set<UnitName>],
    removed: [String: Set<UnitName>], reloads: [String: Address], into result: inout PluginPlan
  ) {
    for activation in desired.activations where activation.scope == .user && activation.start {
      guard let user = activation.user else { continue }
      let state = observed.userRuntime[user]?[activation.unit]
      let active = ["active", "activating", "reloading"].contains(state?.activeState ?? "")
      let address = Address("activation", "user/" + activation.unit.rawValue)
      let startedBefore = recordStarted(address, active: active, ledger: ledger, into: &result)
      let unitChanged = changed[user]?.contains(activation.unit) == true
      let operation: UnitPayload.Operation
      let summary: String
      if active && unitChanged {
        operation = .restart
        summary = "restart in the manager of \(user) (its unit file changed)"
      } else if !active {
        operation = .start
        summary = "start in the manager of \(user) (now \(state?.activeState ?? "not running"))"
      } else {
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .update,
          cause: operation == .restart ? .consequence : (unitChanged || !startedBefore ? .new : .drift),
          plugin: name,
          summary: summary,
          dependsOn: [activation.address, Address("user", user), Address("linger", user)]
            + (reloads[user].map { [$0] } ?? []) + activation.startAfter,
          payload: UnitPayload.userActivation(user: user, unit: activation.unit, operation: operation)))
    }
    for (user, units) in removed.sorted(by: { $0.key < $1.key }) {
      for unit in units.sorted() {
        guard let state = observed.userRuntime[user]?[unit],
          state.activeState == "active" || state.activeState == "activating"
        else { continue }
        result.changes.append(
          Change(
            address: Address("activation", "user/" + unit.rawValue), action: .delete, cause: .prune,
            plugin: name, summary: "stop in the manager of \(user) (removed from the repository)",
            dependsOn: [Address("unit", "user/" + unit.rawValue)],
            payload: UnitPayload.userActivation(user: user, unit: unit, operation: .stop)))
      }
    }
  }

  /// Start what should run, restart what changed, stop what is removed (live hosts only).
  private func planActivations(
    _ desired: DesiredUnits, observed: ObservedUnits, ledger: Ledger, changedUnits: Set<UnitName>,
    removedUnits: Set<UnitName>, afterFiles: [Address], into result: inout PluginPlan
  ) {
    for activation in desired.activations where activation.scope == .system && activation.start {
      let state = observed.runtime[activation.unit]
      let active =
        state?.activeState == "active" || state?.activeState == "activating" || state?.activeState == "reloading"
      let address = Address("activation", activation.unit.rawValue)
      let startedBefore = recordStarted(address, active: active, ledger: ledger, into: &result)
      let changed =
        changedUnits.contains(activation.unit) || activation.unit.template.map(changedUnits.contains) == true
      let operation: UnitPayload.Operation
      let summary: String
      if active && changed {
        operation = .restart
        summary = "restart (its unit file changed)"
      } else if !active, let unmet = observed.unmetConditions[activation.unit] {
        // systemd would skip it (e.g. its program is not installed): the declared
        // behaviour, not drift. It starts on the first run after the condition holds.
        result.notes.append("\(activation.unit) not started: \(unmet) does not hold")
        continue
      } else if !active {
        operation = .start
        summary = "start (now \(state?.activeState ?? "unknown"))"
      } else {
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .update,
          cause: operation == .restart ? .consequence : (changed || !startedBefore ? .new : .drift), plugin: name,
          summary: summary,
          dependsOn: [activation.address] + afterFiles,
          payload: UnitPayload.activation(unit: activation.unit, operation: operation)))
    }
    for unit in removedUnits.sorted() {
      guard let state = observed.runtime[unit], state.activeState == "active" || state.activeState == "activating"
      else { continue }
      result.changes.append(
        Change(
          address: Address("activation", unit.rawValue), action: .delete, cause: .prune, plugin: name,
          summary: "stop (removed from the repository)", dependsOn: [Address("unit", unit.rawValue)],
          payload: UnitPayload.activation(unit: unit, operation: .stop)))
    }
  }

  func fileEntry(
    _ path: HostPath, _ fingerprint: String, created: Bool, user: String? = nil,
    reloadOnly: Bool = false
  ) -> Ledger.Entry {
    var facts: Ledger.Facts = ["path": path.description]
    if let user { facts["user"] = user }
    if reloadOnly { facts["reload-only"] = "yes" }
    return Ledger.Entry(plugin: name, applied: fingerprint, declared: fingerprint, created: created, facts: facts)
  }

  /// The entry of a unit reconcile started (or found running) and keeps running: a unit
  /// without one that is not running was never started, which is not drift (e.g. a run was
  /// killed before it started it).
  var startedEntry: Ledger.Entry {
    Ledger.Entry(plugin: name, applied: "started", declared: "started", created: true)
  }

  /// Records the units found running, forgets those no longer started, and says whether a
  /// start of the unit at `address` that is not running restores what reconcile did (drift)
  /// or does it for the first time.
  func recordStarted(
    _ address: Address, active: Bool, ledger: Ledger, into result: inout PluginPlan
  ) -> Bool {
    let known = ledger[address] != nil
    if active && !known { result.ledgerUpdates[address] = startedEntry }
    return known
  }

  func enablementEntry(_ links: [InstallSection.Link], created: Bool) -> Ledger.Entry {
    let print = Fingerprint.of(links: links)
    return Ledger.Entry(plugin: name, applied: print, declared: print, created: created, facts: ["links": print])
  }
}
