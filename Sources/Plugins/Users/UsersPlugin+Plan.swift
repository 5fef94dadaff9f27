import Core

extension UsersPlugin {
  public func plan(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    guard observed.hasDatabase else {
      result.diagnostics.error(
        "the host has no /etc/passwd or /etc/group, so no account can be created",
        code: "no-account-database",
        notes: ["shadow-utils needs them; under --root, seed ROOT/etc from a Debian system"])
      return result
    }
    for problem in observed.problems { result.diagnostics.append(problem) }
    let memory = ledger.memory[name] ?? [:]
    var uids = IDAllocator(
      used: { observed.users.map(\.uid) + desired.users.compactMap(\.uid) }, memory: memory,
      prefix: "uid")
    var gids = IDAllocator(
      used: { observed.groups.map(\.gid) + desired.groups.values.compactMap(\.gid) },
      memory: memory, prefix: "gid")
    validate(
      desired, observed: observed, ledger: ledger, uids: uids, gids: gids, into: &result.diagnostics
    )
    guard !result.diagnostics.hasErrors else { return result }

    // IDs for new accounts: users first, so a user's own group can take the same number.
    var newUIDs: [String: UInt32] = [:]
    for user in desired.users where user.uid == nil && !observed.hasUser(user.name) {
      let range = user.system ? observed.systemUIDs : observed.regularUIDs
      guard let uid = uids.allocate(for: user.name, in: range, system: user.system, kind: .user)
      else {
        result.diagnostics.error(
          "no free UID is left in \(range.lowerBound)...\(range.upperBound) for user '\(user.name)'",
          at: user.position, code: "no-free-id")
        continue
      }
      newUIDs[user.name] = uid
    }
    var newGIDs: [String: UInt32] = [:]
    // Made for the first new group: a converged host has none, and this copied every user.
    var usersByName: [String: Int]?
    for group in desired.groupsByName
    where group.gid == nil && !observed.hasGroup(group.name) {
      if usersByName == nil {
        usersByName = Dictionary(
          desired.users.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
      }
      let owner = group.primaryOf.flatMap { usersByName![$0] }.map { desired.users[$0] }
      let preferred = owner.flatMap { $0.uid ?? observed.user($0.name)?.uid ?? newUIDs[$0.name] }
      let range = group.system ? observed.systemGIDs : observed.regularGIDs
      guard
        let gid = gids.allocate(
          for: group.name, in: range, system: group.system, preferred: preferred, kind: .group)
      else {
        result.diagnostics.error(
          "no free GID is left in \(range.lowerBound)...\(range.upperBound) for group '\(group.name)'",
          at: group.position, code: "no-free-id")
        continue
      }
      newGIDs[group.name] = gid
    }
    guard !result.diagnostics.hasErrors else { return result }

    planGroups(desired, observed: observed, ledger: ledger, newGIDs: newGIDs, into: &result)
    planUsers(
      desired, observed: observed, ledger: ledger, newUIDs: newUIDs, live: host.live, into: &result)
    let deleted = Set(
      result.changes.filter { $0.action == .delete && $0.address.kind == "user" }.map(
        \.address.name))
    pruneGroups(desired, observed: observed, ledger: ledger, deletedUsers: deleted, into: &result)
    return result
  }

  /// Checks what needs the host: existing accounts reconcile did not create, changed IDs,
  /// taken IDs, system ranges, primary groups that exist nowhere.
  private func validate(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger, uids: IDAllocator,
    gids: IDAllocator,
    into diagnostics: inout Diagnostics
  ) {
    let adopting = Set(desired.users.filter(\.adopt).map(\.name))
    for group in desired.groupsByName {
      let what =
        group.primaryOf.map { "group '\(group.name)' (the primary group of user '\($0)')" }
        ?? "group '\(group.name)'"
      if let existing = observed.group(group.name) {
        let adopted = group.adopt || group.primaryOf.map(adopting.contains) == true
        if ledger[group.address] == nil && !adopted {
          diagnostics.error(
            "\(what) exists on the host (GID \(existing.gid)) and reconcile did not create it",
            at: group.position,
            code: "not-adopted",
            notes: [
              group.primaryOf == nil
                ? "add 'adopt: true' to its declaration to let reconcile manage it"
                : "add 'adopt: true' to the user, or give the user another primary group with 'group:'"
            ])
        }
        if let gid = group.gid,
          let problem = AccountRules.changedIDProblem(
            name: group.name, kind: .group, existing: existing.gid, declared: gid)
        {
          diagnostics.error(problem, at: group.position, code: "changed-id")
        }
      } else if let gid = group.gid {
        checkNewFixedID(
          gid, of: group.name, kind: .group, system: group.system,
          others: observed.groups.map { (name: $0.name, id: $0.gid) }, given: gids,
          systemRange: observed.systemGIDs, at: group.position, diagnostics: &diagnostics)
      }
    }
    for user in desired.users {
      if let existing = observed.user(user.name) {
        if ledger[user.address] == nil && !user.adopt {
          diagnostics.error(
            "user '\(user.name)' exists on the host (UID \(existing.uid)) and reconcile did not create it",
            at: user.position, code: "not-adopted",
            notes: ["add 'adopt: true' to its declaration to let reconcile manage it"])
        }
        if let uid = user.uid,
          let problem = AccountRules.changedIDProblem(
            name: user.name, kind: .user, existing: existing.uid, declared: uid)
        {
          diagnostics.error(problem, at: user.position, code: "changed-id")
        }
      } else {
        if let uid = user.uid {
          checkNewFixedID(
            uid, of: user.name, kind: .user, system: user.system,
            others: observed.users.map { (name: $0.name, id: $0.uid) }, given: uids,
            systemRange: observed.systemUIDs, at: user.position, diagnostics: &diagnostics)
        }
        if desired.groups[user.primaryGroup] == nil && !observed.hasGroup(user.primaryGroup) {
          diagnostics.error(
            "the primary group '\(user.primaryGroup)' of user '\(user.name)' neither exists nor is declared",
            at: user.position, code: "unknown-group")
        }
      }
    }
  }

  private func planGroups(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger,
    newGIDs: [String: UInt32],
    into result: inout PluginPlan
  ) {
    var joiners: [String: [String]] = [:]
    for user in desired.users {
      // Sorted and without repeats (see `DesiredAccounts.User.groups`).
      for group in user.groups { joiners[group, default: []].append(user.name) }
    }
    for group in desired.groupsByName {
      let entry = ledger[group.address]
      let declared =
        "gid=\(group.gid.map(String.init) ?? "auto") system=\(group.system) adopt=\(group.adopt)"
      let joining = joiners[group.name] ?? []
      guard let existing = observed.group(group.name) else {
        guard let gid = group.gid ?? newGIDs[group.name] else { continue }
        let cause =
          ChangeClassifier.cause(
            declared: declared, desired: "gid=\(gid)", observed: nil, entry: entry) ?? .new
        let role = group.primaryOf.map { " as the primary group of user \($0)" } ?? ""
        result.changes.append(
          Change(
            address: group.address, action: .create, cause: cause, plugin: name,
            summary:
              "create \(group.system ? "system " : "")group \(group.name) (GID \(gid))\(role)",
            diff: ["+gid: \(gid)"] + joining.map { "+member: \($0)" },
            payload: AccountPayload(
              step: .addGroup(name: group.name, gid: gid, system: group.system),
              record: groupEntry(declared: declared, gid: gid, created: entry?.created ?? true),
              remember: ["gid:\(gid)": group.name])))
        continue
      }
      guard let entry else {
        let adding = joining.filter { !existing.members.contains($0) }
        result.changes.append(
          Change(
            address: group.address, action: .update, cause: .adoption, plugin: name,
            summary:
              "adopt the existing group \(group.name) (GID \(existing.gid)); reconcile manages the memberships of its own users in it",
            diff: adding.map { "+member: \($0)" },
            payload: AccountPayload(
              step: .adoptGroup(name: group.name),
              record: groupEntry(declared: declared, gid: existing.gid, created: false))))
        continue
      }
      let record = groupEntry(declared: declared, gid: existing.gid, created: entry.created)
      if record != entry { result.ledgerUpdates[group.address] = record }
    }
  }

  private func planUsers(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger,
    newUIDs: [String: UInt32], live: Bool,
    into result: inout PluginPlan
  ) {
    for user in desired.users {
      let entry = ledger[user.address]
      // Made once: the cause and the ledger entry both name it.
      let declared = user.fingerprint
      let wanted = AccountState.describe(
        group: user.primaryGroup, groups: user.groups, home: user.home, shell: user.shell,
        comment: user.comment)
      let groupAddresses = ([user.primaryGroup] + user.groups).filter { desired.groups[$0] != nil }
        .map { Address("group", $0) }
      guard let existing = observed.user(user.name) else {
        guard let uid = user.uid ?? newUIDs[user.name] else { continue }
        let cause =
          ChangeClassifier.cause(
            declared: declared, desired: wanted, observed: nil, entry: entry) ?? .new
        let new = ShadowUtils.NewUser(
          name: user.name, system: user.system, primaryGroup: user.primaryGroup,
          groups: user.groups, home: user.home,
          shell: user.shell, comment: user.comment, uid: uid, createHome: user.createHome)
        var diff = ["+uid: \(uid)", "+group: \(user.primaryGroup)"]
        if !user.groups.isEmpty { diff.append("+groups: \(user.groups.joined(separator: ", "))") }
        diff += [
          "+home: \(user.home)\(user.createHome ? "" : " (not created)")", "+shell: \(user.shell)",
        ]
        if !user.comment.isEmpty { diff.append("+comment: \(user.comment)") }
        result.changes.append(
          Change(
            address: user.address, action: .create, cause: cause, plugin: name,
            summary: "create \(user.system ? "system" : "login") user \(user.name) (UID \(uid))",
            diff: diff,
            dependsOn: groupAddresses,
            payload: AccountPayload(
              step: .addUser(new),
              record: userEntry(
                user, declared: declared, applied: wanted, uid: uid, created: entry?.created ?? true),
              remember: ["uid:\(uid)": user.name])))
        continue
      }
      let locked = observed.locked.contains(user.name)
      let seen = observed.state(of: existing) + (locked ? " locked" : "")
      let record = userEntry(
        user, declared: declared, applied: wanted, uid: existing.uid, created: entry?.created ?? false)
      let cause: Change.Cause
      if entry == nil {
        cause = .adoption
      } else if let changed = ChangeClassifier.cause(
        declared: declared, desired: wanted, observed: seen, entry: entry)
      {
        cause = changed
      } else {
        if record != entry { result.ledgerUpdates[user.address] = record }
        continue
      }
      var changes = ShadowUtils.UserChanges()
      var diff: [String] = []
      func compare(_ label: String, _ old: String, _ new: String) -> String? {
        guard old != new else { return nil }
        diff += ["-\(label): \(old)", "+\(label): \(new)"]
        return new
      }
      changes.primaryGroup = compare("group", observed.groupName(existing.gid), user.primaryGroup)
      let groups = observed.supplementaryGroups(of: user.name)
      if compare("groups", groups.joined(separator: ", "), user.groups.joined(separator: ", "))
        != nil
      {
        changes.groups = user.groups
      }
      changes.home = compare("home", existing.home, user.home)
      changes.shell = compare("shell", existing.shell, user.shell)
      changes.comment = compare("comment", existing.comment, user.comment)
      if locked { diff += ["-locked", "+unlocked"] }
      let what = diff.filter { $0.hasPrefix("+") }.map {
        String($0.dropFirst().prefix { $0 != ":" })
      }
      let summary =
        cause == .adoption
        ? "adopt the existing user \(user.name) (UID \(existing.uid))"
          + (what.isEmpty ? "" : "; set " + what.joined(separator: ", "))
        : "update user \(user.name): " + what.joined(separator: ", ") + " (\(cause.rawValue))"
      result.changes.append(
        Change(
          address: user.address, action: .update, cause: cause, plugin: name, summary: summary,
          diff: diff,
          dependsOn: groupAddresses,
          payload: AccountPayload(
            step: .modifyUser(name: user.name, changes: changes, unlock: locked), record: record)))
    }
    pruneUsers(desired, observed: observed, ledger: ledger, live: live, into: &result)
  }

  /// Users reconcile created that left the repository: locked (default) or deleted, as their
  /// declaration asked; users it only adopted are forgotten and left as they are.
  private func pruneUsers(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger, live: Bool,
    into result: inout PluginPlan
  ) {
    let declared = Set(desired.users.map(\.address))
    for address in ledger.addresses(of: name, kind: "user") where !declared.contains(address) {
      guard let entry = ledger[address], entry.created, let existing = observed.user(address.name)
      else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      let primary = Address("group", observed.groupName(existing.gid))
      let policy = entry.facts["remove"].flatMap(RemovalPolicy.init(rawValue:)) ?? .lock
      switch policy {
      case .lock:
        guard !observed.locked.contains(address.name) else { continue }
        var record = entry
        record.applied = observed.state(of: existing) + " locked"
        record.declared = "removed"
        result.changes.append(
          Change(
            address: address, action: .update, cause: .prune, plugin: name,
            summary:
              "lock user \(address.name) (no longer in the repository; its home and files stay"
              + (live ? "; its user manager is stopped)" : ")"),
            diff: ["-unlocked", "+locked"],
            payload: AccountPayload(
              step: .lockUser(name: address.name, uid: existing.uid), record: record)))
      case .delete, .deleteWithHome:
        let withHome = policy == .deleteWithHome
        result.changes.append(
          Change(
            address: address, action: .delete, cause: .prune, plugin: name,
            summary: "delete user \(address.name) (UID \(existing.uid) stays reserved)"
              + (withHome ? " and its home \(existing.home)" : "; its home \(existing.home) stays"),
            diff: ["-uid: \(existing.uid)"], dependsOn: [primary],
            // Remembered here too: a user a killed run created has its ID in no memory yet.
            payload: AccountPayload(
              step: .deleteUser(name: address.name, removeHome: withHome), record: nil,
              remember: ["uid:\(existing.uid)": address.name])))
      }
    }
  }

  /// Groups reconcile created that left the repository are deleted, unless they are still
  /// some remaining user's primary group; groups it only adopted are forgotten.
  private func pruneGroups(
    _ desired: DesiredAccounts, observed: ObservedAccounts, ledger: Ledger,
    deletedUsers: Set<String>,
    into result: inout PluginPlan
  ) {
    for address in ledger.addresses(of: name, kind: "group") where desired.groups[address.name] == nil {
      guard let entry = ledger[address], entry.created, let existing = observed.group(address.name)
      else {
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      if observed.users.contains(where: {
        $0.gid == existing.gid && !deletedUsers.contains($0.name)
      }) {
        continue
      }
      result.changes.append(
        Change(
          address: address, action: .delete, cause: .prune, plugin: name,
          summary: "delete group \(address.name) (GID \(existing.gid) stays reserved)",
          diff: ["-gid: \(existing.gid)"] + existing.members.map { "-member: \($0)" },
          payload: AccountPayload(
            step: .deleteGroup(name: address.name), record: nil,
            remember: ["gid:\(existing.gid)": address.name])))
    }
  }

  private func groupEntry(declared: String, gid: UInt32, created: Bool) -> Ledger.Entry {
    Ledger.Entry(
      plugin: name, applied: "gid=\(gid)", declared: declared, created: created,
      facts: ["gid": String(gid)])
  }

  private func userEntry(
    _ user: DesiredAccounts.User, declared: String, applied: String, uid: UInt32, created: Bool
  ) -> Ledger.Entry {
    Ledger.Entry(
      plugin: name, applied: applied, declared: declared, created: created,
      facts: ["uid": String(uid), "remove": user.removal.rawValue])
  }
}

extension UsersPlugin {
  /// The problems of a fixed ID declared for a user or group that does not exist yet: the ID
  /// is taken on the host, reconcile gave it to another account before, or a system account's
  /// ID lies outside the system range.
  fileprivate func checkNewFixedID(
    _ id: UInt32, of name: String, kind: AccountRules.Kind, system: Bool,
    others: [(name: String, id: UInt32)], given: IDAllocator, systemRange: ClosedRange<UInt32>,
    at position: SourcePosition, diagnostics: inout Diagnostics
  ) {
    if let problem = AccountRules.duplicateIDProblem(id, of: name, kind: kind, others: others) {
      diagnostics.error(problem + " on the host", at: position, code: "duplicate-id")
    }
    if let owner = given.rememberedForOther(id, than: name) {
      let label = kind == .user ? "UID" : "GID"
      diagnostics.error(
        "\(label) \(id) of \(kind.rawValue) '\(name)' was given by reconcile to \(kind.rawValue) '\(owner)' before; it is never reused for another \(kind.rawValue)",
        at: position, code: "reused-id")
    }
    if system, let problem = AccountRules.systemRangeProblem(id, kind: kind, range: systemRange) {
      diagnostics.error(problem, at: position, code: "system-range")
    }
  }
}
