import Core

extension UnitsPlugin {
  public func plan(_ desired: DesiredUnits, observed: ObservedUnits, ledger: Ledger, host: HostFacts) -> PluginPlan {
    var result = PluginPlan()
    var changedUnits = Set<UnitName>()
    var fileChanges: [Address] = []
    let desiredAddresses = Set(desired.files.map(\.address) + desired.activations.map(\.address))

    // Unit files and drop-ins.
    for file in desired.files {
      let fingerprint = Fingerprint.of(file.contents)
      let seen = observed.files[file.path]
      let entry = ledger[file.address]
      guard
        let cause = ChangeClassifier.cause(
          declared: fingerprint, desired: fingerprint, observed: seen?.fingerprint, entry: entry)
      else {
        if entry?.applied != fingerprint || entry?.declared != fingerprint {
          result.ledgerUpdates[file.address] = fileEntry(file.path, fingerprint, created: entry?.created ?? false)
        }
        continue
      }
      if seen?.fingerprint == "other" || seen?.fingerprint.hasPrefix("symlink:") == true {
        result.diagnostics.error(
          "\(file.path) exists and is not a regular file; reconcile will not replace it", code: "host-conflict",
          notes: ["remove it by hand if \(file.origin) should be installed there"])
        continue
      }
      let text = String(decoding: file.contents, as: UTF8.self)
      let what = file.dropIn == nil ? "unit file" : "drop-in"
      result.changes.append(
        Change(
          address: file.address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
          summary: seen == nil ? "install \(what) from \(file.origin)" : "replace \(what) (\(cause.explanation))",
          diff: TextDiff.lines(from: seen?.text, to: text), dependsOn: [],
          payload: UnitPayload.file(path: file.path, contents: text)))
      fileChanges.append(file.address)
      if file.scope == .system { changedUnits.insert(file.unit) }
    }

    // Files reconcile installed that left the repository.
    var removedUnits = Set<UnitName>()
    for address in ledger.addresses(of: name) where address.kind == "unit" || address.kind == "drop-in" {
      guard !desiredAddresses.contains(address), let entry = ledger[address] else { continue }
      guard entry.created, let path = entry.facts["path"].flatMap(HostPath.init) else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      guard let seen = observed.files[path] else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      let unitName = String(address.name.split(separator: "/").first { UnitName(String($0)) != nil } ?? "")
      // Disabling and stopping depend on the file, so (deletions reversing their edges) they
      // happen before the file goes.
      if address.kind == "unit", let unit = UnitName(unitName) { removedUnits.insert(unit) }
      result.changes.append(
        Change(
          address: address, action: .delete, cause: .prune, plugin: name,
          summary: "remove \(path) (created by reconcile, no longer in the repository)",
          diff: TextDiff.lines(from: seen.text, to: nil), payload: UnitPayload.file(path: path, contents: nil)))
      fileChanges.append(address)
      if let unit = UnitName(unitName) { changedUnits.insert(unit) }
    }

    // A running systemd re-reads unit files once, after every file change.
    let reload = Address("systemd", "daemon-reload")
    if observed.live && !fileChanges.isEmpty {
      result.changes.append(
        Change(
          address: reload, action: .update, cause: .consequence, plugin: name,
          summary: "reload systemd (\(fileChanges.count) unit file\(fileChanges.count == 1 ? "" : "s") changed)",
          dependsOn: fileChanges, payload: UnitPayload.reload))
    }
    let afterFiles = observed.live && !fileChanges.isEmpty ? [reload] : []

    // Enablement.
    for activation in desired.activations {
      let address = activation.address
      let entry = ledger[address]
      let unitAddress = Address("unit", (activation.scope == .user ? "user/" : "") + (activation.unit.template ?? activation.unit).rawValue)
      let links = activation.enable ? activation.install.links(for: activation.unit, scope: activation.scope) : []
      let previous = entry.map(Self.links(in:)) ?? []
      let stale = previous.filter { !links.contains($0) && observed.links[$0.path] == $0.target }
      let present = links.filter { observed.links[$0.path] == $0.target }
      let desiredPrint = Fingerprint.of(links: links)
      guard activation.enable || entry != nil else { continue }
      let found = present + stale
      let observedPrint: String? = found.isEmpty && !links.isEmpty ? nil : Fingerprint.of(links: found)
      let cause = ChangeClassifier.cause(
        declared: desiredPrint, desired: desiredPrint, observed: observedPrint, entry: entry)
      guard let cause else {
        if entry?.applied != desiredPrint {
          result.ledgerUpdates[address] = enablementEntry(links, created: entry?.created ?? true)
        }
        continue
      }
      let summary: String
      if !activation.enable {
        summary = "disable (remove \(stale.count) link\(stale.count == 1 ? "" : "s") reconcile made)"
      } else {
        summary = links.isEmpty ? "enable (no [Install] links)" : "enable: " + links.map { "\($0.path)" }.joined(separator: ", ")
      }
      result.changes.append(
        Change(
          address: address, action: activation.enable ? (entry == nil ? .create : .update) : .delete, cause: cause,
          plugin: name, summary: summary,
          diff: links.filter { !present.contains($0) }.map { "+\($0.path) -> \($0.target)" } + stale.map { "-\($0.path) -> \($0.target)" },
          dependsOn: [unitAddress] + afterFiles,
          payload: UnitPayload.enablement(
            scope: activation.scope, unit: activation.unit, add: links, remove: stale, enable: activation.enable)))
    }

    // Enablements of units that left the repository (or lost their declaration).
    let declaredEnablements = Set(desired.activations.map(\.address))
    for address in ledger.addresses(of: name) where address.kind == "enablement" && !declaredEnablements.contains(address) {
      guard let entry = ledger[address] else { continue }
      let stale = Self.links(in: entry).filter { observed.links[$0.path] == $0.target }
      let scope: UnitScope = address.name.hasPrefix("user/") ? .user : .system
      guard let unit = UnitName(String(address.name.split(separator: "/").last ?? "")), !stale.isEmpty || observed.live else {
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
      planActivations(desired, observed: observed, changedUnits: changedUnits, removedUnits: removedUnits,
        afterFiles: afterFiles, into: &result)
    }
    return result
  }

  /// Start what should run, restart what changed, stop what is removed (live hosts only).
  private func planActivations(
    _ desired: DesiredUnits, observed: ObservedUnits, changedUnits: Set<UnitName>, removedUnits: Set<UnitName>,
    afterFiles: [Address], into result: inout PluginPlan
  ) {
    for activation in desired.activations where activation.scope == .system && activation.start {
      let state = observed.runtime[activation.unit]
      let active = state?.activeState == "active" || state?.activeState == "activating" || state?.activeState == "reloading"
      let changed = changedUnits.contains(activation.unit) || activation.unit.template.map(changedUnits.contains) == true
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
          address: Address("activation", activation.unit.rawValue), action: .update,
          cause: operation == .restart ? .consequence : (changed ? .new : .drift), plugin: name, summary: summary,
          dependsOn: [activation.address] + afterFiles,
          payload: UnitPayload.activation(unit: activation.unit, operation: operation)))
    }
    for unit in removedUnits.sorted() {
      guard let state = observed.runtime[unit], state.activeState == "active" || state.activeState == "activating" else { continue }
      result.changes.append(
        Change(
          address: Address("activation", unit.rawValue), action: .delete, cause: .prune, plugin: name,
          summary: "stop (removed from the repository)", dependsOn: [Address("unit", unit.rawValue)],
          payload: UnitPayload.activation(unit: unit, operation: .stop)))
    }
  }

  func fileEntry(_ path: HostPath, _ fingerprint: String, created: Bool) -> Ledger.Entry {
    Ledger.Entry(plugin: name, applied: fingerprint, declared: fingerprint, created: created, facts: ["path": path.description])
  }

  func enablementEntry(_ links: [InstallSection.Link], created: Bool) -> Ledger.Entry {
    let print = Fingerprint.of(links: links)
    return Ledger.Entry(plugin: name, applied: print, declared: print, created: created, facts: ["links": print])
  }
}

extension Change.Cause {
  /// A few words for summaries.
  var explanation: String {
    switch self {
    case .new: return "new"
    case .changed: return "changed in the repository"
    case .drift: return "changed on the host; reverting"
    case .conflict: return "changed in the repository and on the host"
    case .prune: return "no longer in the repository"
    case .adoption: return "existing file taken over"
    case .consequence: return "follows from other changes"
    }
  }
}
