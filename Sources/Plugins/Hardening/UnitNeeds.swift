import Core

/// What a unit declares that hardening must not take away, and the rule that keeps it:
///
/// - A unit that runs rootless podman (an `Exec*=` command runs `podman`, or the podman plugin
///   generated it) gets no `PrivateNetwork=yes`, no `PrivateUsers=yes`, no
///   `RestrictNamespaces=` that forbids user namespaces, and no `NoNewPrivileges=yes`
///   (podman maps its subordinate IDs through the setuid `newuidmap` and `newgidmap`).
/// - A list the unit sets itself (`ReadWritePaths=`, `SupplementaryGroups=`, the
///   `*Directory=` settings, ...) is never reset by an empty assignment of the hardening
///   drop-in; additions to it are kept. `ProtectSystem=strict` leaves such paths writable, as
///   systemd mounts them over the read-only tree.
/// - Capabilities the unit raises with `AmbientCapabilities=` stay in the bounding set: the
///   drop-in ends with `CapabilityBoundingSet=` of those capabilities when it restricts the set.
///
/// Each directive dropped or added is reported as a warning naming the unit and the directive.
struct UnitNeeds: Sendable {
  /// Whether the unit runs rootless podman.
  var runsPodman: Bool
  /// The unit's own non-empty lists, by directive.
  var ownLists: [String: [String]]
  /// `AmbientCapabilities=` of the unit itself.
  var ambientCapabilities: [String]

  /// Lists a hardening drop-in must not reset.
  static let guardedLists: Set<String> = [
    "ReadWritePaths", "ReadOnlyPaths", "ExecPaths", "BindPaths", "BindReadOnlyPaths",
    "SupplementaryGroups", "AmbientCapabilities", "StateDirectory", "RuntimeDirectory",
    "CacheDirectory", "LogsDirectory", "ConfigurationDirectory", "DeviceAllow",
  ]

  /// The needs of `unit` (its file and the drop-ins it has besides hardening's).
  init(unit: UnitFile, generatedByPodman: Bool) {
    runsPodman = generatedByPodman || Self.execRunsPodman(unit)
    var lists: [String: [String]] = [:]
    for key in Self.guardedLists {
      let values = unit.values("Service", key)
      if !values.isEmpty { lists[key] = values }
    }
    ownLists = lists
    ambientCapabilities = unit.words("Service", "AmbientCapabilities")
  }

  /// Whether a command line of `[Service]` runs `podman` (as the program or an argument, e.g.
  /// `/usr/bin/env podman run ...`).
  static func execRunsPodman(_ unit: UnitFile) -> Bool {
    let commands = [
      "ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecStopPost", "ExecReload",
    ]
    return unit.assignments(ofKeys: commands).contains { assignment in
      guard assignment.section == "Service", mentionsPodman(assignment.value) else { return false }
      return assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { word in
        let program = word.drop { "@-:+!".contains($0) }.trimmingCharacters(in: "\"'")
        return program.split(separator: "/").last == "podman"
      }
    }
  }

  /// Whether `text` has `podman` in it, searched on its bytes: few command lines do, and
  /// cutting each into words of characters cost more than the rest of the unit's needs.
  private static func mentionsPodman(_ text: String) -> Bool {
    let utf8 = text.utf8
    var from = utf8.startIndex
    while let found = utf8[from...].firstIndex(of: UInt8(ascii: "p")) {
      if utf8[found...].starts(with: "podman".utf8) { return true }
      from = utf8.index(after: found)
    }
    return false
  }

  /// A directive the rule dropped, and why.
  struct Dropped: Sendable {
    var directive: HardeningProfile.Directive
    var reason: String
  }

  /// `directives` with what would break the unit taken out (`dropped`) and what it needs put
  /// back (`added`, already at the end of `kept`).
  func filter(_ directives: [HardeningProfile.Directive]) -> (
    kept: [HardeningProfile.Directive], dropped: [Dropped], added: [HardeningProfile.Directive]
  ) {
    var kept: [HardeningProfile.Directive] = []
    var dropped: [Dropped] = []
    for directive in directives {
      if let reason = conflict(directive) {
        dropped.append(Dropped(directive: directive, reason: reason))
      } else {
        kept.append(directive)
      }
    }
    var added: [HardeningProfile.Directive] = []
    if !ambientCapabilities.isEmpty, kept.contains(where: { $0.key == "CapabilityBoundingSet" }) {
      added.append(.init("CapabilityBoundingSet", ambientCapabilities.joined(separator: " ")))
    }
    return (kept + added, dropped, added)
  }

  /// Why `directive` would break the unit, or nil when it does not.
  private func conflict(_ directive: HardeningProfile.Directive) -> String? {
    let (key, value) = (directive.key, directive.value)
    if runsPodman {
      switch key {
      case "PrivateNetwork" where parseBoolean(value) == true:
        return "rootless podman sets up the container's network itself (slirp4netns or the host's)"
      case "PrivateUsers" where parseBoolean(value) == true:
        return "rootless podman needs the real user to map its subordinate IDs"
      case "RestrictNamespaces" where Self.forbidsUserNamespaces(value):
        return "rootless podman runs containers in a user namespace"
      case "NoNewPrivileges" where parseBoolean(value) == true:
        return "rootless podman maps its subordinate IDs through the setuid newuidmap and newgidmap"
      default:
        break
      }
    }
    if value.isEmpty, let own = ownLists[key] {
      return "it would reset the unit's own \(key)=\(own.joined(separator: " "))"
    }
    return nil
  }

  /// Whether one `RestrictNamespaces=` value forbids user namespaces.
  static func forbidsUserNamespaces(_ value: String) -> Bool {
    if value.isEmpty { return false }
    if let on = parseBoolean(value) { return on }
    let inverted = value.hasPrefix("~")
    let kinds = words(String(value.drop { $0 == "~" }))
    return inverted == kinds.contains(NamespaceKind.user.rawValue)
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> Substring {
    var text = self
    while let first = text.first, set.contains(first) { text = text.dropFirst() }
    while let last = text.last, set.contains(last) { text = text.dropLast() }
    return text
  }
}
