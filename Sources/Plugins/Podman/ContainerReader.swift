import Core

/// Reads and validates one `containers:` entry, recording every problem with its position.
struct ContainerReader {
  let key: Located<String>
  let node: YAMLNode
  let layer: Layer
  /// The declarations being decoded: the tree, and the archive fingerprints recorded.
  let declarations: HostDeclarations

  init(key: Located<String>, node: YAMLNode, layer: Layer, declarations: HostDeclarations) {
    self.key = key
    self.node = node
    self.layer = layer
    self.declarations = declarations
  }

  /// Options of `--volume` podman 4.3 accepts for rootless containers.
  static let volumeOptions: Set<String> = [
    "ro", "rw", "z", "Z", "U", "O", "exec", "noexec", "suid", "nosuid", "dev", "nodev", "bind",
    "rbind",
    "copy", "nocopy", "private", "rprivate", "shared", "rshared", "slave", "rslave",
  ]
  /// Options of `podman run` reconcile sets itself.
  static let reservedArguments = [
    "--name", "--cidfile", "--rm", "-d", "--detach", "--replace", "--sdnotify", "--cgroups",
    "--pull",
    "--network", "--net", "--userns", "--user", "-u", "--env", "-e", "--volume", "-v", "--publish",
    "-p",
  ]
  /// `systemd.service` `Restart=` values.
  static let restartValues = [
    "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always",
  ]
  /// `[Timer]` directives a job may set.
  static let timerKeys = [
    "OnCalendar", "OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec",
    "OnUnitInactiveSec",
    "AccuracySec", "RandomizedDelaySec", "FixedRandomDelay", "Persistent", "WakeSystem",
  ]

  func read(diagnostics: inout Diagnostics) -> Container? {
    let errorsBefore = diagnostics.errors.count
    let name = key.value
    if let problem = Self.nameProblem(name, what: "container name") {
      diagnostics.error(problem, at: key.position, code: "container-name")
    } else if UnitName("container-\(name).service") == nil {
      diagnostics.error(
        "container name '\(name)' does not make a valid unit name container-\(name).service",
        at: key.position, code: "container-name")
    }
    var fields = MappingReader(
      node, what: "container '\(name.debugEscaped)'", diagnostics: &diagnostics)
    let user = fields.string("user", required: true, diagnostics: &diagnostics)
    if let user, let problem = AccountRules.nameProblem(user.value, kind: .user) {
      diagnostics.error(problem, at: user.position, code: "account-name")
    }
    let image = fields.string("image", required: true, diagnostics: &diagnostics)
    if let image, let problem = Self.imageProblem(image.value) {
      diagnostics.error(problem, at: image.position, code: "container-image")
    }
    let archive = readArchive(&fields, diagnostics: &diagnostics)
    var pull = archive == nil ? Container.Pull.missing : .never
    if let text = fields.string("pull", diagnostics: &diagnostics) {
      if let value = Container.Pull(rawValue: text.value) {
        pull = value
        if archive != nil && value != .never {
          diagnostics.error(
            "container '\(name)' loads its image from image-archive; pull must be never (or "
              + "left out)",
            at: text.position, code: "container-pull")
        }
      } else {
        diagnostics.error(
          "pull of container '\(name)' is '\(text.value.debugEscaped)'; use missing, always or "
            + "never",
          at: text.position, code: "container-pull")
      }
    }
    let command = readWords(&fields, "command", diagnostics: &diagnostics)
    let environment = readEnvironment(&fields, diagnostics: &diagnostics)
    let volumes = readVolumes(&fields, diagnostics: &diagnostics)
    let network = readNetwork(&fields, diagnostics: &diagnostics)
    let ports = readPorts(&fields, network: network, diagnostics: &diagnostics)
    var keepID = false
    if let userns = fields.string("userns", diagnostics: &diagnostics) {
      switch userns.value {
      case "keep-id": keepID = true
      case "default": keepID = false
      default:
        diagnostics.error(
          "userns of container '\(name)' is '\(userns.value.debugEscaped)'; use keep-id or default",
          at: userns.position, code: "container-userns")
      }
    }
    let runAs = fields.integer("run-as", in: 0...65535, diagnostics: &diagnostics).map {
      UInt32($0.value)
    }
    let restart = fields.string("restart", diagnostics: &diagnostics)
    if let restart, !Self.restartValues.contains(restart.value) {
      diagnostics.error(
        "restart of container '\(name)' is '\(restart.value.debugEscaped)'; use one of "
          + Self.restartValues.joined(separator: ", "), at: restart.position,
        code: "container-restart")
    }
    let arguments = readWords(&fields, "podman-arguments", diagnostics: &diagnostics)
    for argument in arguments {
      let option = String(argument.value.split(separator: "=", maxSplits: 1).first ?? "")
      if Self.reservedArguments.contains(option) {
        diagnostics.error(
          "podman-arguments of container '\(name)' set \(option), which reconcile sets itself",
          at: argument.position, code: "container-arguments",
          notes: [
            "use the container's own keys (network, userns, run-as, environment, volumes, ports)"
          ])
      }
    }
    let timer = readTimer(&fields, diagnostics: &diagnostics)
    let removal = readRemoval(&fields, diagnostics: &diagnostics)
    if !timer.isEmpty, let restart, restart.value != "no" && restart.value != "on-failure" {
      diagnostics.error(
        "container '\(name)' is a job (it has a schedule); restart may only be no or on-failure",
        at: restart.position, code: "container-restart")
    }
    fields.finish(diagnostics: &diagnostics)
    guard diagnostics.errors.count == errorsBefore, let user, let image else { return nil }
    return Container(
      name: name, user: user.value, image: image.value, archive: archive, pull: pull,
      command: command.map(\.value), environment: environment, volumes: volumes, ports: ports,
      network: network, keepID: keepID, runAs: runAs, restart: restart?.value,
      podmanArguments: arguments.map(\.value), removal: removal, timer: timer,
      position: key.position)
  }

  // MARK: Fields

  private func readArchive(_ fields: inout MappingReader, diagnostics: inout Diagnostics)
    -> ImageArchive?
  {
    guard let path = fields.string("image-archive", diagnostics: &diagnostics) else { return nil }
    let parts = path.value.split(separator: "/", omittingEmptySubsequences: false)
    guard !path.value.hasPrefix("/"), !parts.isEmpty,
      parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && HostPath.isValidComponent($0) })
    else {
      diagnostics.error(
        "image-archive '\(path.value.debugEscaped)' must be a path inside the layer's folder "
          + "(e.g. files/bot.tar)",
        at: path.position, code: "container-archive")
      return nil
    }
    let full = layer.directory.isEmpty ? path.value : layer.directory + "/" + path.value
    do {
      // Recorded when reconcile loaded it, the fingerprint is used while the file keeps its
      // identity (git blob id, or stat); otherwise the archive is hashed as it is read.
      let fingerprint = try declarations.fingerprint(
        of: full, limit: PodmanPlugin.archiveLimit, plugin: PodmanPlugin.moduleName)
      return ImageArchive(path: full, file: fingerprint)
    } catch {
      diagnostics.error(
        "image-archive \(full) cannot be read: \(error)", at: path.position,
        code: "container-archive",
        notes: ["build it with `podman save -o \(path.value) IMAGE` and commit it to the layer"])
      return nil
    }
  }

  private func readWords(
    _ fields: inout MappingReader, _ key: String, diagnostics: inout Diagnostics
  ) -> [Located<String>] {
    let words = fields.stringList(key, diagnostics: &diagnostics) ?? []
    for word in words where Self.hasControlCharacter(word.value) {
      diagnostics.error(
        "\(key) of container '\(self.key.value)' holds a line break or control character",
        at: word.position, code: "container-text")
    }
    return words
  }

  private func readEnvironment(
    _ fields: inout MappingReader, diagnostics: inout Diagnostics
  ) -> [(key: String, value: String)] {
    guard let mapping = fields.mapping("environment", diagnostics: &diagnostics) else { return [] }
    var result: [(key: String, value: String)] = []
    for (name, value) in mapping.entries {
      let valid =
        name.value.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
        && name.value.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
      if !valid {
        diagnostics.error(
          "environment variable name '\(name.value.debugEscaped)' of container '\(key.value)' "
            + "is invalid "
            + "(letters, digits and _, not starting with a digit)", at: name.position,
          code: "container-environment")
        continue
      }
      guard let text = value.scalar else {
        diagnostics.error(
          "environment variable \(name.value) of container '\(key.value)' must be text, found "
            + "\(value.kindDescription)",
          at: value.position, code: "type")
        continue
      }
      if Self.hasControlCharacter(text) {
        diagnostics.error(
          "environment variable \(name.value) of container '\(key.value)' holds a line break or "
            + "control character",
          at: value.position, code: "container-text")
        continue
      }
      result.append((name.value, text))
    }
    return result.sorted { $0.key < $1.key }
  }

  private func readVolumes(_ fields: inout MappingReader, diagnostics: inout Diagnostics)
    -> [Container.Volume]
  {
    guard let node = fields.node("volumes"), !node.isNull else { return [] }
    guard case .sequence(let items) = node.value else {
      diagnostics.error(
        "volumes of container '\(key.value)' must be a list", at: node.position, code: "type")
      return []
    }
    var volumes: [Container.Volume] = []
    for item in items {
      var entry = MappingReader(
        item, what: "a volume of container '\(key.value)'", diagnostics: &diagnostics)
      let source = entry.string("source", diagnostics: &diagnostics)
      let named = entry.string("volume", diagnostics: &diagnostics)
      let target = entry.string("target", required: true, diagnostics: &diagnostics)
      let options = entry.stringList("options", diagnostics: &diagnostics) ?? []
      entry.finish(diagnostics: &diagnostics)
      var volumeSource: Container.VolumeSource?
      switch (source, named) {
      case (let source?, nil):
        if let path = Self.absolutePath(source.value) {
          volumeSource = .path(path)
        } else {
          diagnostics.error(
            "volume source '\(source.value.debugEscaped)' must be an absolute host path without "
              + "'..', ':' or ','",
            at: source.position, code: "container-volume")
        }
      case (nil, let named?):
        if let problem = Self.nameProblem(named.value, what: "volume name") {
          diagnostics.error(problem, at: named.position, code: "container-volume")
        } else {
          volumeSource = .named(named.value)
        }
      default:
        diagnostics.error(
          "a volume of container '\(key.value)' needs either source (a host path) or volume (a "
            + "named volume)",
          at: item.position, code: "container-volume")
      }
      if let target, Self.absolutePath(target.value) == nil {
        diagnostics.error(
          "volume target '\(target.value.debugEscaped)' must be an absolute path without '..', "
            + "':' or ','",
          at: target.position, code: "container-volume")
        continue
      }
      for option in options where !Self.volumeOptions.contains(option.value) {
        var notes = ["options: " + Self.volumeOptions.sorted().joined(separator: ", ")]
        if let close = Spelling.closest(to: option.value, in: Self.volumeOptions) {
          notes.insert("did you mean '\(close)'?", at: 0)
        }
        diagnostics.error(
          "unknown volume option '\(option.value.debugEscaped)'", at: option.position,
          code: "container-volume",
          notes: notes)
      }
      guard let volumeSource, let target else { continue }
      volumes.append(
        Container.Volume(
          source: volumeSource, target: target.value, options: options.map(\.value),
          position: item.position))
    }
    return volumes
  }

  /// `on-removal: { volumes: keep | remove, image: keep | remove }`.
  private func readRemoval(_ fields: inout MappingReader, diagnostics: inout Diagnostics)
    -> Container.Removal
  {
    guard var mapping = fields.mapping("on-removal", diagnostics: &diagnostics) else {
      return Container.Removal()
    }
    var removal = Container.Removal()
    for what in ["volumes", "image"] {
      guard let text = mapping.string(what, diagnostics: &diagnostics) else { continue }
      guard text.value == "keep" || text.value == "remove" else {
        diagnostics.error(
          "\(what) under on-removal of container '\(key.value)' is "
            + "'\(text.value.debugEscaped)'; use keep or remove",
          at: text.position, code: "container-removal")
        continue
      }
      if what == "volumes" { removal.volumes = text.value == "remove" }
      if what == "image" { removal.image = text.value == "remove" }
    }
    mapping.finish(diagnostics: &diagnostics)
    return removal
  }

  private func readNetwork(_ fields: inout MappingReader, diagnostics: inout Diagnostics)
    -> Container.Network?
  {
    guard let text = fields.string("network", diagnostics: &diagnostics) else { return nil }
    switch text.value {
    case "host": return .host
    case "none": return Container.Network.none
    case "slirp4netns": return .slirp4netns(options: [])
    default:
      if text.value.hasPrefix("slirp4netns:") {
        let options = text.value.dropFirst("slirp4netns:".count).split(
          separator: ",", omittingEmptySubsequences: false)
        let valid = options.allSatisfy { option in
          let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
          return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && option.allSatisfy {
              $0.isASCII && ($0.isLetter || $0.isNumber || "_=./-".contains($0))
            }
        }
        if valid { return .slirp4netns(options: options.map(String.init)) }
      }
      diagnostics.error(
        "network of container '\(key.value)' is '\(text.value.debugEscaped)'; use host, none, "
          + "slirp4netns or "
          + "slirp4netns:OPTION=VALUE,... (e.g. slirp4netns:allow_host_loopback=true)",
        at: text.position, code: "container-network")
      return nil
    }
  }

  private func readPorts(
    _ fields: inout MappingReader, network: Container.Network?, diagnostics: inout Diagnostics
  ) -> [String] {
    let ports = fields.stringList("ports", diagnostics: &diagnostics) ?? []
    for port in ports {
      if let problem = Self.portProblem(port.value) {
        diagnostics.error(problem, at: port.position, code: "container-port")
      } else if network == .host || network == Container.Network.none {
        diagnostics.error(
          "container '\(key.value)' publishes port \(port.value) but uses network "
            + "\(network!.argument), "
            + "which publishes nothing", at: port.position, code: "container-port")
      }
    }
    return ports.map(\.value)
  }

  private func readTimer(
    _ fields: inout MappingReader, diagnostics: inout Diagnostics
  ) -> [(key: String, value: String)] {
    var timer: [(key: String, value: String)] = []
    if let schedule = fields.string("schedule", diagnostics: &diagnostics) {
      if Self.hasControlCharacter(schedule.value) || schedule.value.isEmpty {
        diagnostics.error(
          "schedule of container '\(key.value)' must be one line of OnCalendar= syntax",
          at: schedule.position,
          code: "container-timer")
      } else {
        timer.append(("OnCalendar", schedule.value))
      }
    }
    if let mapping = fields.mapping("timer", diagnostics: &diagnostics) {
      for (name, value) in mapping.entries {
        guard Self.timerKeys.contains(name.value) else {
          diagnostics.error(
            "unknown [Timer] directive '\(name.value.debugEscaped)' for container '\(key.value)'",
            at: name.position, code: "container-timer",
            notes: (Spelling.closest(to: name.value, in: Self.timerKeys).map {
              ["did you mean '\($0)'?"]
            } ?? [])
              + ["directives: " + Self.timerKeys.joined(separator: ", ")])
          continue
        }
        let values = MappingReader.strings(
          in: value, what: "\(name.value) of container '\(key.value)'", diagnostics: &diagnostics)
        for text in values {
          if Self.hasControlCharacter(text.value) || text.value.hasSuffix("\\") {
            diagnostics.error(
              "\(name.value) of container '\(key.value)' holds a line break, control character "
                + "or trailing backslash",
              at: text.position, code: "container-timer")
            continue
          }
          timer.append((name.value, text.value))
        }
      }
      if !timer.contains(where: { $0.key.hasPrefix("On") }) {
        diagnostics.error(
          "the timer of container '\(key.value)' has no On...= directive: it would never run",
          at: mapping.node.position, code: "container-timer")
      }
    }
    return timer
  }

  // MARK: Rules

  /// The problem with a container or volume name (podman's rule), or nil.
  static func nameProblem(_ name: String, what: String) -> String? {
    let valid =
      !name.isEmpty && name.utf8.count <= 64
      && name.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } == true
      && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    return valid
      ? nil
      : "\(what) '\(name.debugEscaped)' is invalid: use 1 to 64 of letters, digits, '_', '.' "
        + "and '-', "
        + "starting with a letter or digit"
  }

  /// The problem with an image reference, or nil. Names must be fully qualified: a short name
  /// would depend on the registries podman is configured to search.
  static func imageProblem(_ image: String) -> String? {
    guard !image.isEmpty, !image.hasPrefix("-"),
      image.allSatisfy({
        $0.isASCII && !$0.isWhitespace && ($0.asciiValue ?? 0) >= 0x21 && $0 != "\u{7f}"
      })
    else {
      return "image '\(image.debugEscaped)' is not an image reference"
    }
    let first = image.split(separator: "/").first ?? ""
    let qualified =
      image.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
    guard qualified else {
      return
        "image '\(image)' is not fully qualified; name its registry (e.g. "
        + "docker.io/library/\(image)): "
        + "short names depend on registries.conf"
    }
    return nil
  }

  /// `[[IP:]HOSTPORT:]CONTAINERPORT[/tcp|udp|sctp]` with ports in 1-65535.
  static func portProblem(_ text: String) -> String? {
    var spec = Substring(text)
    if let slash = spec.lastIndex(of: "/") {
      guard ["tcp", "udp", "sctp"].contains(spec[spec.index(after: slash)...]) else {
        return "port '\(text.debugEscaped)' has an unknown protocol; use /tcp, /udp or /sctp"
      }
      spec = spec[..<slash]
    }
    var address: Substring?
    if spec.hasPrefix("[") {
      guard let close = spec.firstIndex(of: "]") else {
        return "port '\(text.debugEscaped)' has an unclosed ["
      }
      address = spec[spec.index(after: spec.startIndex)..<close]
      spec = spec[spec.index(after: close)...]
      guard spec.hasPrefix(":") else {
        return "port '\(text.debugEscaped)' needs HOSTPORT after the address"
      }
      spec = spec.dropFirst()
    }
    var parts = spec.split(separator: ":", omittingEmptySubsequences: false)
    if address == nil && parts.count == 3 {
      address = parts.removeFirst()
    }
    func isPort(_ part: Substring) -> Bool {
      guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part)
      else { return false }
      return (1...65535).contains(value)
    }
    guard (1...2).contains(parts.count), parts.allSatisfy(isPort) else {
      return
        "port '\(text.debugEscaped)' must be [IP:][HOSTPORT:]CONTAINERPORT[/PROTOCOL] with "
        + "ports 1-65535"
    }
    if let address, !address.isEmpty,
      !address.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "." || $0 == ":") })
    {
      return "port '\(text.debugEscaped)' has an invalid IP address '\(address)'"
    }
    return nil
  }

  /// An absolute path of plain components, without the characters `--volume` splits on.
  static func absolutePath(_ text: String) -> HostPath? {
    guard text.hasPrefix("/"), !text.contains(":"), !text.contains(","), !hasControlCharacter(text),
      !text.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
    else { return nil }
    return HostPath(text)
  }

  /// Whether `text` holds a line break, NUL or another control character.
  static func hasControlCharacter(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
  }
}
