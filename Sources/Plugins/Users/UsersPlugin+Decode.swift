import Core

extension UsersPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredAccounts {
    var desired = DesiredAccounts()
    var declaredGroups: [String: (group: DesiredAccounts.Group, layer: String)] = [:]
    for (layer, node) in declarations.sections("groups") {
      let section = MappingReader(node, what: "groups of \(layer.label)", diagnostics: &diagnostics)
      for (key, value) in section.entries {
        guard let group = decodeGroup(key, value, diagnostics: &diagnostics) else { continue }
        if let other = declaredGroups[group.name] {
          diagnostics.error(
            "group '\(group.name)' is declared by both \(other.layer) and \(layer.label)",
            at: key.position,
            code: "duplicate-resource", notes: ["also declared at \(other.group.position)"])
          continue
        }
        declaredGroups[group.name] = (group, layer.label)
      }
    }
    // Users in the order declared, the layer of each, and each one's position by name: the
    // passes below read the users in place, in order (a dictionary of users copied each large
    // value it gave out, from all over the heap).
    var users: [DesiredAccounts.User] = []
    var userLayers: [String] = []
    var userIndex: [String: Int] = [:]
    var requirements: [AccountRequirement] = []
    func declare(_ user: DesiredAccounts.User, layer: String) {
      userIndex[user.name] = users.count
      users.append(user)
      userLayers.append(layer)
    }
    for (layer, node) in declarations.sections("users") {
      let section = MappingReader(node, what: "users of \(layer.label)", diagnostics: &diagnostics)
      for (key, value) in section.entries {
        guard
          let (user, requirement) = decodeUser(key, value, layer: layer, diagnostics: &diagnostics)
        else { continue }
        if let other = userIndex[user.name] {
          diagnostics.error(
            "user '\(user.name)' is declared by both \(userLayers[other]) and \(layer.label)",
            at: key.position,
            code: "duplicate-resource", notes: ["also declared at \(users[other].position)"])
          continue
        }
        declare(user, layer: layer.label)
        if let requirement { requirements.append(requirement) }
      }
    }
    // Users other plugins need and the repository does not declare: system users with defaults.
    for requirement in contributions.accounts where userIndex[requirement.user] == nil {
      if let problem = AccountRules.nameProblem(requirement.user, kind: .user) {
        diagnostics.error(
          "\(requirement.origin) needs a user: \(problem)", at: requirement.position,
          code: "account-name")
        continue
      }
      let position = requirement.position ?? SourcePosition(file: requirement.origin)
      declare(
        Self.defaultUser(
          requirement.user, system: true, subids: requirement.subordinateIDs,
          origin: requirement.origin, position: position),
        layer: requirement.origin)
    }
    contributions.accounts += requirements

    // Primary groups: a declared group, an implied one named after the user, or (checked at
    // plan) an existing group.
    var groups = declaredGroups.mapValues(\.group)
    for i in users.indices where users[i].primaryGroup == users[i].name && groups[users[i].name] == nil {
      let name = users[i].name
      groups[name] = DesiredAccounts.Group(
        name: name, gid: nil, system: users[i].system, adopt: users[i].adopt, members: [],
        primaryOf: name, position: users[i].position)
    }
    // Memberships: a group's members must be declared users; a user's groups must be declared.
    var supplementary = users.indices.map { Set(users[$0].groups) }
    for group in declaredGroups.values.map(\.group) {
      for member in group.members {
        guard let i = userIndex[member] else {
          diagnostics.error(
            "member '\(member)' of group '\(group.name)' is not a user of this host's repository",
            at: group.position, code: "unknown-user",
            notes: [
              "reconcile manages memberships of the users it manages; declare '\(member)' under users:"
            ])
          continue
        }
        supplementary[i].insert(group.name)
      }
    }
    for i in users.indices {
      for group in users[i].groups where groups[group] == nil {
        var notes = [
          "declare it under groups: (with adopt: true when it exists on the host already)"
        ]
        if let close = Spelling.closest(to: group, in: groups.keys) {
          notes.insert("did you mean '\(close)'?", at: 0)
        }
        diagnostics.error(
          "group '\(group)' of user '\(users[i].name)' is not declared", at: users[i].position,
          code: "unknown-group", notes: notes)
      }
    }
    checkDuplicateIDs(
      users.indices.compactMap { i in users[i].uid.map { (users[i].name, $0, users[i].position) } },
      kind: .user, diagnostics: &diagnostics)
    checkDuplicateIDs(
      groups.values.compactMap { g in g.gid.map { (g.name, $0, g.position) } }, kind: .group,
      diagnostics: &diagnostics)

    desired.groups = groups
    for i in users.indices { users[i].groups = supplementary[i].sorted() }
    // In order of name (names are unique); the sort moves the users, copying none.
    users.sort { $0.name < $1.name }
    desired.users = users
    return desired
  }

  /// A user with Debian-like defaults: system users get `/usr/sbin/nologin` and no home
  /// (`/nonexistent`) unless they run containers, which keep their storage in a home under
  /// `/var/lib`; login users get `/bin/bash` and `/home/NAME`.
  static func defaultUser(
    _ name: String, system: Bool, subids: Bool, origin: String, position: SourcePosition
  ) -> DesiredAccounts.User {
    let home = system ? (subids ? "/var/lib/\(name)" : "/nonexistent") : "/home/\(name)"
    return DesiredAccounts.User(
      name: name, system: system, home: home, createHome: home != "/nonexistent",
      shell: system ? "/usr/sbin/nologin" : "/bin/bash", comment: "", primaryGroup: name,
      groups: [], uid: nil,
      adopt: false, removal: .lock, origin: origin, position: position)
  }

  private func decodeGroup(
    _ key: Located<String>, _ value: YAMLNode, diagnostics: inout Diagnostics
  ) -> DesiredAccounts.Group? {
    let name = key.value
    if let problem = AccountRules.nameProblem(name, kind: .group) {
      diagnostics.error(problem, at: key.position, code: "account-name")
      return nil
    }
    var fields = MappingReader(value, what: "group '\(name)'", diagnostics: &diagnostics)
    let gid = readID(&fields, "gid", kind: .group, diagnostics: &diagnostics)
    let system = fields.bool("system", diagnostics: &diagnostics)?.value ?? true
    let adopt = fields.bool("adopt", diagnostics: &diagnostics)?.value ?? false
    var members: [String] = []
    for member in fields.stringList("members", diagnostics: &diagnostics) ?? [] {
      if let problem = AccountRules.nameProblem(member.value, kind: .user) {
        diagnostics.error(problem, at: member.position, code: "account-name")
      } else if members.contains(member.value) {
        diagnostics.error(
          "'\(member.value)' is listed twice in the members of group '\(name)'",
          at: member.position, code: "duplicate")
      } else {
        members.append(member.value)
      }
    }
    fields.finish(diagnostics: &diagnostics)
    return DesiredAccounts.Group(
      name: name, gid: gid, system: system, adopt: adopt, members: members, primaryOf: nil,
      position: key.position)
  }

  private func decodeUser(
    _ key: Located<String>, _ value: YAMLNode, layer: Layer, diagnostics: inout Diagnostics
  ) -> (DesiredAccounts.User, AccountRequirement?)? {
    let name = key.value
    if let problem = AccountRules.nameProblem(name, kind: .user) {
      diagnostics.error(problem, at: key.position, code: "account-name")
      return nil
    }
    var fields = MappingReader(value, what: "user '\(name)'", diagnostics: &diagnostics)
    let system = fields.bool("system", diagnostics: &diagnostics)?.value ?? true
    let subids = decodeSubids(&fields, user: name, diagnostics: &diagnostics)
    let linger = fields.bool("linger", diagnostics: &diagnostics)
    var user = Self.defaultUser(
      name, system: system, subids: subids != nil, origin: layer.file, position: key.position)
    if let home = fields.string("home", diagnostics: &diagnostics) {
      if let problem = AccountRules.pathProblem(home.value, field: "home of user '\(name)'") {
        diagnostics.error(problem, at: home.position, code: "account-field")
      } else {
        user.home = home.value
        user.createHome = home.value != "/nonexistent"
      }
    }
    if let shell = fields.string("shell", diagnostics: &diagnostics) {
      if let problem = AccountRules.pathProblem(shell.value, field: "shell of user '\(name)'") {
        diagnostics.error(problem, at: shell.position, code: "account-field")
      } else {
        user.shell = shell.value
      }
    }
    if let comment = fields.string("comment", diagnostics: &diagnostics) {
      if let problem = AccountRules.fieldProblem(comment.value, field: "comment of user '\(name)'") {
        diagnostics.error(problem, at: comment.position, code: "account-field")
      } else {
        user.comment = comment.value
      }
    }
    if let group = fields.string("group", diagnostics: &diagnostics) {
      if let problem = AccountRules.nameProblem(group.value, kind: .group) {
        diagnostics.error(problem, at: group.position, code: "account-name")
      } else {
        user.primaryGroup = group.value
      }
    }
    var groups: [String] = []
    for group in fields.stringList("groups", diagnostics: &diagnostics) ?? [] {
      if let problem = AccountRules.nameProblem(group.value, kind: .group) {
        diagnostics.error(problem, at: group.position, code: "account-name")
      } else if !groups.contains(group.value) {
        groups.append(group.value)
      }
    }
    user.groups = groups
    user.uid = readID(&fields, "uid", kind: .user, diagnostics: &diagnostics)
    user.adopt = fields.bool("adopt", diagnostics: &diagnostics)?.value ?? false
    if let removal = fields.string("remove", diagnostics: &diagnostics) {
      if let policy = RemovalPolicy(rawValue: removal.value) {
        user.removal = policy
      } else {
        let known = RemovalPolicy.allCases.map(\.rawValue)
        var notes = ["one of: \(known.joined(separator: ", "))"]
        if let close = Spelling.closest(to: removal.value, in: known) {
          notes.insert("did you mean '\(close)'?", at: 0)
        }
        diagnostics.error(
          "'remove' of user '\(name)' is '\(removal.value)'", at: removal.position,
          code: "account-field", notes: notes)
      }
    }
    fields.finish(diagnostics: &diagnostics)
    guard subids != nil || linger?.value == true else { return (user, nil) }
    let requirement = AccountRequirement(
      user: name, subordinateIDs: subids != nil, subordinateCount: subids?.count,
      subordinateStart: subids?.start,
      linger: linger?.value == true, origin: layer.file,
      position: subids?.position ?? linger?.position)
    return (user, requirement)
  }

  /// `subids: true`, `subids: { count: N }` or `subids: { start: S, count: N }`; nil when absent
  /// or false.
  private func decodeSubids(
    _ fields: inout MappingReader, user: String, diagnostics: inout Diagnostics
  ) -> (count: UInt32?, start: UInt32?, position: SourcePosition)? {
    guard let node = fields.node("subids"), !node.isNull else { return nil }
    if case .scalar(let text, let quoted) = node.value {
      if !quoted && text == "true" { return (nil, nil, node.position) }
      if !quoted && text == "false" { return nil }
      diagnostics.error(
        "'subids' of user '\(user)' must be true, false or a mapping with count (and start), found '\(text)'",
        at: node.position, code: "type")
      return nil
    }
    var range = MappingReader(node, what: "'subids' of user '\(user)'", diagnostics: &diagnostics)
    let count = range.integer("count", in: 1...Int64(UInt32.max), diagnostics: &diagnostics)
    let start = range.integer("start", in: 0...Int64(UInt32.max), diagnostics: &diagnostics)
    range.finish(diagnostics: &diagnostics)
    if start != nil && count == nil {
      diagnostics.error(
        "'subids' of user '\(user)' gives a start but no count", at: node.position,
        code: "missing-key",
        notes: ["write { start: \(start!.value), count: 65536 }"])
    }
    return (count.map { UInt32($0.value) }, start.map { UInt32($0.value) }, node.position)
  }

  /// A fixed UID or GID, outside every reserved range.
  private func readID(
    _ fields: inout MappingReader, _ key: String, kind: AccountRules.Kind,
    diagnostics: inout Diagnostics
  ) -> UInt32? {
    guard let id = fields.integer(key, diagnostics: &diagnostics) else { return nil }
    if let problem = AccountRules.reservedIDProblem(UInt32(id.value), kind: kind) {
      diagnostics.error(problem, at: id.position, code: "reserved-id")
      return nil
    }
    return UInt32(id.value)
  }

  /// Two declarations asking for the same fixed ID.
  private func checkDuplicateIDs(
    _ ids: [(name: String, id: UInt32, position: SourcePosition)], kind: AccountRules.Kind,
    diagnostics: inout Diagnostics
  ) {
    let sorted = ids.sorted { ($0.position, $0.name) < ($1.position, $1.name) }
    var first: [UInt32: (name: String, position: SourcePosition)] = [:]
    for entry in sorted {
      if let other = first[entry.id] {
        diagnostics.error(
          "\(kind.rawValue) '\(entry.name)' declares \(kind == .user ? "UID" : "GID") \(entry.id), which \(kind.rawValue) '\(other.name)' declares too",
          at: entry.position, code: "duplicate-id",
          notes: ["'\(other.name)' is declared at \(other.position)"])
      } else {
        first[entry.id] = (entry.name, entry.position)
      }
    }
  }
}
