import Core

extension EmailPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredEmail {
    Self.lintPlacement(declarations.units, diagnostics: &diagnostics)
    guard let email = EmailDeclaration.decode(declarations, diagnostics: &diagnostics) else {
      return DesiredEmail()
    }
    let managed = ManagedUnit.all(declarations, contributions)
    var desired = DesiredEmail(
      scripts: [
        .init(
          path: Self.scriptPath,
          contents: Array(NotifierFiles.script(email, host: declarations.host).utf8))
      ],
      client: email.client, clientConfig: email.clientConfig, position: email.position)
    let watched = Self.watched(email, managed: managed, diagnostics: &diagnostics)
    for unit in watched {
      let addsLimit = Self.lintWatched(unit, email: email, diagnostics: &diagnostics)
      // OnFailure= and the start limit take effect at daemon-reload: no restart.
      contributions.dropIns.append(
        GeneratedDropIn(
          scope: unit.scope, unit: unit.name, fileName: Self.dropInName,
          contents: Array(
            NotifierFiles.dropIn(startLimit: addsLimit ? email.startLimit : nil).utf8),
          origin: Self.origin, position: email.position, restartsUnit: false))
    }
    desired.watched = watched.map(\.label)
    contributions.units.append(
      GeneratedUnit(
        scope: .system, name: Self.templateName,
        contents: Array(NotifierFiles.template(email).utf8), enable: false,
        origin: Self.origin, position: email.position))
    let users = Set(watched.compactMap(\.user)).sorted()
    if !users.isEmpty {
      contributeSpools(
        email, users: users, host: declarations.host, desired: &desired,
        contributions: &contributions, diagnostics: &diagnostics)
    }
    contributions.accounts.append(
      AccountRequirement(
        user: Self.userName, subordinateIDs: false, linger: false, origin: Self.origin,
        position: email.position))
    return desired
  }

  /// For watched user units: the user template that spools a failed unit's status, the relay
  /// that mails it, one path unit and one spool folder per user, and both scripts.
  private func contributeSpools(
    _ email: EmailDeclaration, users: [String], host: String, desired: inout DesiredEmail,
    contributions: inout Contributions, diagnostics: inout Diagnostics
  ) {
    desired.scripts += [
      .init(path: Self.spoolScriptPath, contents: Array(UserMailFiles.spoolScript.utf8)),
      .init(
        path: Self.relayScriptPath,
        contents: Array(UserMailFiles.relayScript(email, host: host).utf8)),
    ]
    desired.scripts.sort { $0.path < $1.path }
    contributions.units.append(
      GeneratedUnit(
        scope: .user, name: Self.templateName, contents: Array(UserMailFiles.userTemplate.utf8),
        enable: false, origin: Self.origin, position: email.position))
    contributions.units.append(
      GeneratedUnit(
        scope: .system, name: Self.relayTemplateName,
        contents: Array(UserMailFiles.relayTemplate(email).utf8), enable: false,
        origin: Self.origin, position: email.position))
    for user in users {
      // Users of generated units are checked account names; refuse anything else here too,
      // as the name becomes a path and a unit name.
      guard UserMailFiles.isSafeUserName(user), let pathUnit = Self.pathUnitName(of: user) else {
        diagnostics.error(
          "the units of user '\(user.debugEscaped)' cannot get failure email: the name is not "
            + "a plain account name", at: email.position, code: "email-user")
        continue
      }
      desired.spools.append(.init(user: user, path: Self.spool(of: user)))
      contributions.units.append(
        GeneratedUnit(
          scope: .system, name: pathUnit, contents: Array(UserMailFiles.pathUnit(user).utf8),
          enable: true, origin: Self.origin, position: email.position))
    }
  }

  /// The managed units the declaration watches (reconcile's own service among them under
  /// `watch: all`, even before it exists: its drop-in does nothing until the unit does).
  private static func watched(
    _ email: EmailDeclaration, managed: [ManagedUnit], diagnostics: inout Diagnostics
  ) -> [ManagedUnit] {
    let own = ManagedUnit(name: reconcileService, merged: UnitFile(), position: email.position)
    switch email.watch {
    case .all:
      var units = managed.filter { $0.name != templateName }
      if !units.contains(where: { $0.name == reconcileService && $0.scope == .system }) {
        units.append(own)
      }
      return units.sorted { ($0.scope, $0.name) < ($1.scope, $1.name) }
    case .units(let names):
      var units: [ManagedUnit] = []
      for name in names {
        if name.value == templateName || name.value.template == templateName {
          diagnostics.error(
            "\(name.value) is the failure-email notifier itself; watching it would let a "
              + "failing notifier start another",
            at: name.position, code: "email-watch")
          continue
        }
        // A name may match a system unit and a user unit: both are watched.
        let matching = managed.filter { $0.name == name.value }
        if !matching.isEmpty {
          for unit in matching
          where !units.contains(where: { $0.name == unit.name && $0.scope == unit.scope }) {
            units.append(unit)
          }
        } else if name.value == reconcileService {
          units.append(own)
        } else {
          diagnostics.error(
            "email watches \(name.value), which this host does not install", at: name.position,
            code: "unknown-unit",
            notes: Spelling.closest(to: name.value.rawValue, in: managed.map(\.name.rawValue)).map {
              ["did you mean '\($0)'?"]
            }
              ?? [])
        }
      }
      return units.sorted { ($0.scope, $0.name) < ($1.scope, $1.name) }
    }
  }
}
