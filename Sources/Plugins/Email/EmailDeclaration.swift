import Core

/// The `email:` section of a host, read and checked.
struct EmailDeclaration: Sendable {
  /// Which units get the `OnFailure=` drop-in.
  enum Watch: Sendable {
    /// Every unit reconcile manages, and reconcile's own service.
    case all
    /// The listed units only.
    case units([Located<UnitName>])
  }

  /// `StartLimitIntervalSec=` and `StartLimitBurst=` to give watched units with `Restart=`.
  struct StartLimit: Sendable {
    var interval: TimeSpan
    var burst: Int
    var position: SourcePosition
  }

  var recipients: [String]
  var sender: String
  /// The sendmail-compatible client (`/usr/bin/msmtp`).
  var client: HostPath
  /// The client's configuration on the host (`-C FILE`), handed to the notifier as a
  /// credential; nil to let the client use its own defaults.
  var clientConfig: Located<HostPath>?
  var watch: Watch
  var startLimit: StartLimit?
  /// Where the section is, for diagnostics about what it contributes.
  var position: SourcePosition

  static let defaultClient = HostPath("/usr/bin/msmtp")!

  /// Reads the section from the one layer that declares it; nil when none does or it has
  /// errors (recorded).
  static func decode(_ declarations: HostDeclarations, diagnostics: inout Diagnostics)
    -> EmailDeclaration?
  {
    let sections = declarations.sections("email").filter { !$0.node.isNull }
    guard let (layer, node) = sections.first else { return nil }
    for (other, node) in sections.dropFirst() {
      diagnostics.error(
        "email is declared by both \(layer.label) and \(other.label)", at: node.position,
        code: "duplicate-resource", notes: ["declare it once, in the host file or one role"])
    }
    let before = diagnostics.errors.count
    var fields = MappingReader(node, what: "email of \(layer.label)", diagnostics: &diagnostics)
    let recipients =
      fields.stringList("recipients", required: true, diagnostics: &diagnostics) ?? []
    let sender = fields.string("sender", required: true, diagnostics: &diagnostics)
    let client = fields.string("client", diagnostics: &diagnostics)
    let config = fields.string("client-config", diagnostics: &diagnostics)
    let watchNode = fields.node("watch")
    let limitReader = fields.mapping("start-limit", diagnostics: &diagnostics)
    fields.finish(diagnostics: &diagnostics)

    if recipients.isEmpty && fields.node("recipients") != nil {
      diagnostics.error(
        "email of \(layer.label) has no recipients", at: node.position, code: "missing-key")
    }
    for address in recipients + (sender.map { [$0] } ?? []) {
      if let problem = Self.addressProblem(address.value) {
        diagnostics.error(
          "'\(address.value.debugEscaped)' is not a usable mail address: \(problem)",
          at: address.position,
          code: "mail-address")
      }
    }
    let clientPath = client.flatMap { path(of: $0, what: "client", diagnostics: &diagnostics) }
    let configPath = config.flatMap {
      path(of: $0, what: "client-config", diagnostics: &diagnostics)
    }
    let watch = decodeWatch(watchNode, layer: layer, diagnostics: &diagnostics)
    let startLimit = limitReader.flatMap { decodeStartLimit($0, diagnostics: &diagnostics) }
    guard diagnostics.errors.count == before, let sender else { return nil }
    return EmailDeclaration(
      recipients: recipients.map(\.value), sender: sender.value,
      client: clientPath ?? defaultClient,
      clientConfig: configPath.map { Located($0, at: config!.position) }, watch: watch ?? .all,
      startLimit: startLimit, position: node.position)
  }

  /// `watch: all` or a list of unit names.
  private static func decodeWatch(
    _ node: YAMLNode?, layer: Layer, diagnostics: inout Diagnostics
  ) -> Watch? {
    guard let node, !node.isNull else { return nil }
    if case .scalar("all", quoted: false) = node.value { return .all }
    guard case .sequence = node.value else {
      diagnostics.error(
        "'watch' of email of \(layer.label) must be 'all' or a list of units, found "
          + "\(node.kindDescription)",
        at: node.position, code: "type")
      return nil
    }
    var units: [Located<UnitName>] = []
    for item in MappingReader.strings(in: node, what: "'watch' of email", diagnostics: &diagnostics) {
      guard let name = UnitName(item.value) else {
        diagnostics.error(
          UnitName.problem(with: item.value) ?? "invalid unit name", at: item.position,
          code: "unit-name")
        continue
      }
      units.append(Located(name, at: item.position))
    }
    return .units(units)
  }

  /// `start-limit: { interval: 10min, burst: 5 }`.
  private static func decodeStartLimit(
    _ reader: MappingReader, diagnostics: inout Diagnostics
  ) -> StartLimit? {
    var fields = reader
    let interval = fields.string("interval", required: true, diagnostics: &diagnostics)
    let burst = fields.integer("burst", in: 1...1000, required: true, diagnostics: &diagnostics)
    fields.finish(diagnostics: &diagnostics)
    guard let interval, let burst else { return nil }
    guard let span = TimeSpan(interval.value), span.seconds > 0, span.seconds.isFinite else {
      diagnostics.error(
        "'interval' of the start limit must be a positive time span such as 10min, found "
          + "'\(interval.value.debugEscaped)'",
        at: interval.position, code: "time-span",
        notes: ["0 or infinity would switch the limit off"])
      return nil
    }
    return StartLimit(interval: span, burst: Int(burst.value), position: reader.node.position)
  }

  /// An absolute host path made of characters safe in a unit file and a shell word.
  private static func path(
    of text: Located<String>, what: String, diagnostics: inout Diagnostics
  ) -> HostPath? {
    let safe = text.value.allSatisfy {
      $0.isASCII && ($0.isLetter || $0.isNumber || "/._+-".contains($0))
    }
    guard text.value.hasPrefix("/"), safe, let path = HostPath(text.value),
      path.description == text.value
    else {
      diagnostics.error(
        "'\(what)' of email must be an absolute, normalised path of letters, digits and / . _ + -, "
          + "found '\(text.value.debugEscaped)'", at: text.position, code: "path")
      return nil
    }
    return path
  }

  /// Why `address` cannot be handed to the client as one argument and one header value, or
  /// nil. Deliberately narrow: `local@domain`, no display name, no quoting.
  static func addressProblem(_ address: String) -> String? {
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      return "write it as local@domain"
    }
    guard !address.hasPrefix("-") else { return "it starts with '-'" }
    let allowed = address.allSatisfy { character in
      character.isASCII
        && (character.isLetter || character.isNumber || "@.!#%&*+/=?^_{|}~-".contains(character))
    }
    guard allowed else {
      return "only letters, digits and . _ + - and the like, no spaces, quotes or commas"
    }
    guard !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
      return "the domain starts or ends with a dot"
    }
    return nil
  }
}
