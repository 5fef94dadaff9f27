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
    for generated in contributions.units where generated.scope == .user {
      diagnostics.warning(
        "\(generated.name) runs in a user's manager and gets no failure email",
        at: generated.position ?? email.position,
        code: "email-user-unit",
        notes: ["failure email covers system units only for now; see docs/email.md"])
    }
    var desired = DesiredEmail(
      script: Array(NotifierFiles.script(email, host: declarations.host).utf8),
      client: email.client,
      clientConfig: email.clientConfig, position: email.position)
    let watched = Self.watched(email, managed: managed, diagnostics: &diagnostics)
    for unit in watched {
      let addsLimit = Self.lintWatched(unit, email: email, diagnostics: &diagnostics)
      contributions.dropIns.append(
        GeneratedDropIn(
          scope: .system, unit: unit.name, fileName: Self.dropInName,
          contents: Array(
            NotifierFiles.dropIn(startLimit: addsLimit ? email.startLimit : nil).utf8),
          origin: Self.origin, position: email.position))
    }
    desired.watched = watched.map(\.name)
    contributions.units.append(
      GeneratedUnit(
        scope: .system, name: Self.templateName,
        contents: Array(NotifierFiles.template(email).utf8), enable: false,
        origin: Self.origin, position: email.position))
    contributions.accounts.append(
      AccountRequirement(
        user: Self.userName, subordinateIDs: false, linger: false, origin: Self.origin,
        position: email.position))
    return desired
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
      if !units.contains(where: { $0.name == reconcileService }) { units.append(own) }
      return units.sorted { $0.name < $1.name }
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
        if let unit = managed.first(where: { $0.name == name.value }) {
          if !units.contains(where: { $0.name == unit.name }) { units.append(unit) }
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
      return units.sorted { $0.name < $1.name }
    }
  }
}
