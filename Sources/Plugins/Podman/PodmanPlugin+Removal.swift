import Core

/// What goes with a container when its declaration is removed (`on-removal:`).
///
/// The decision has to outlive the declaration, so every plan records it while the container
/// is declared, in the ledger entry `container:NAME`: its user, its image, the named volumes
/// its declaration created (not those found in the user's storage before reconcile first ran
/// the container) and whether each is removed with it. Once the declaration is gone, that entry
/// says what to remove; it is forgotten when nothing is left to do.
extension PodmanPlugin {
  /// Ledger facts of a `container:` entry.
  enum Fact {
    static let user = "user"
    static let image = "image"
    /// The named volumes reconcile created through the declaration, space-separated.
    static let volumes = "volumes"
    static let removeVolumes = "remove-volumes"
    static let removeImage = "remove-image"
  }

  /// The ledger entries of containers that are no longer declared.
  static func removed(_ desired: DesiredPodman, ledger: Ledger)
    -> [(address: Address, entry: Ledger.Entry)]
  {
    let declared = Set(desired.containers.map(\.address))
    return ledger.addresses(of: "podman", kind: "container").compactMap { address in
      guard !declared.contains(address), let entry = ledger[address]
      else { return nil }
      return (address, entry)
    }
  }

  /// The entry that records a declared container and its `on-removal:` choice. A named
  /// volume counts as created by the declaration when the previous entry says so, when it is
  /// not in the user's storage yet (the container's first start creates it), or when the
  /// container ran under reconcile before the entry existed (its image is in the ledger).
  func containerRecord(_ container: Container, observed: ObservedPodman, ledger: Ledger)
    -> Ledger.Entry
  {
    let previous = ledger[container.address]
    let recorded = Set(Self.words(previous?.facts[Fact.volumes]))
    let legacy = previous == nil && ledger[container.imageAddress] != nil
    let existing = Set(observed.users[container.user]?.volumes ?? [])
    let created = container.namedVolumes.filter {
      recorded.contains($0) || !existing.contains($0) || legacy
    }
    var facts: Ledger.Facts = [Fact.user: container.user, Fact.image: container.image]
    if !created.isEmpty { facts[Fact.volumes] = created.joined(separator: " ") }
    if container.removal.volumes { facts[Fact.removeVolumes] = "yes" }
    if container.removal.image { facts[Fact.removeImage] = "yes" }
    let declared = "\(container.user) \(container.image)"
    return Ledger.Entry(
      plugin: name, applied: declared, declared: declared, created: previous?.created ?? true,
      facts: facts)
  }

  /// Plans `podman volume rm` and `podman image rm` for removed containers that asked for
  /// them, after their units stopped, and records what is left to do.
  func planRemovals(
    _ desired: DesiredPodman, observed: ObservedPodman, ledger: Ledger,
    into result: inout PluginPlan
  ) {
    let removed = Self.removed(desired, ledger: ledger)
    // What stays in use: the declared containers' volumes and images, and those of removed
    // containers that keep them; both by user, whose storage is separate.
    var keptVolumes: [String: [String: String]] = [:]
    var keptImages: [String: [String: String]] = [:]
    for container in desired.containers {
      for volume in container.namedVolumes {
        keptVolumes[container.user, default: [:]][volume] = "container '\(container.name)'"
      }
      keptImages[container.user, default: [:]][container.image] = "container '\(container.name)'"
    }
    for (address, entry) in removed {
      guard let user = entry.facts[Fact.user] else { continue }
      let why = "removed container '\(address.name)' keeps it"
      if entry.facts[Fact.removeVolumes] != "yes" {
        for volume in Self.words(entry.facts[Fact.volumes]) {
          keptVolumes[user, default: [:]][volume] = keptVolumes[user]?[volume] ?? why
        }
      }
      if entry.facts[Fact.removeImage] != "yes", let image = entry.facts[Fact.image] {
        keptImages[user, default: [:]][image] = keptImages[user]?[image] ?? why
      }
    }

    var volumes: [String: [String]] = [:]  // "USER/VOLUME": containers
    var images: [String: [String]] = [:]  // "USER IMAGE": containers
    for (address, entry) in removed {
      guard let user = entry.facts[Fact.user], let facts = observed.users[user] else {
        // The user is gone, and with it what podman could remove as that user.
        result.ledgerUpdates[address] = .some(nil)
        continue
      }
      var pending = entry
      pending.facts[Fact.volumes] = nil
      pending.facts[Fact.removeImage] = nil
      pending.facts[Fact.removeVolumes] = nil
      var left: [String] = []
      if entry.facts[Fact.removeVolumes] == "yes" {
        for volume in Self.words(entry.facts[Fact.volumes]) {
          if let holder = keptVolumes[user]?[volume] {
            result.notes.append(
              "volume \(volume) of removed container '\(address.name)' kept: \(holder) uses it")
          } else if facts.volumes?.contains(volume) != false {
            volumes["\(user)/\(volume)", default: []].append(address.name)
            left.append(volume)
          }
        }
      }
      if !left.isEmpty {
        pending.facts[Fact.volumes] = left.joined(separator: " ")
        pending.facts[Fact.removeVolumes] = "yes"
      }
      if entry.facts[Fact.removeImage] == "yes", let image = entry.facts[Fact.image] {
        if let holder = keptImages[user]?[image] {
          result.notes.append(
            "image \(image) of removed container '\(address.name)' kept: \(holder) uses it")
        } else if facts.images?.contains(where: { Self.image($0, matches: image) }) != false {
          images["\(user) \(image)", default: []].append(address.name)
          pending.facts[Fact.removeImage] = "yes"
        }
      }
      if pending.facts[Fact.removeVolumes] == nil && pending.facts[Fact.removeImage] == nil {
        result.ledgerUpdates[address] = .some(nil)
      } else if !observed.live {
        result.limitations.append(
          "podman: what removed container '\(address.name)' leaves to remove (on-removal) is "
            + "removed on the running host only")
      } else if pending != entry {
        result.ledgerUpdates[address] = pending
      }
    }
    guard observed.live else { return }

    for (key, containers) in volumes.sorted(by: { $0.key < $1.key }) {
      let (user, volume) = Self.split(key, at: "/")
      result.changes.append(
        Change(
          address: Address("volume", key), action: .delete, cause: .prune, plugin: name,
          summary: "remove the named volume \(volume) of \(user) (`podman volume rm`; "
            + Self.reason(containers) + ")",
          diff: ["-volume \(volume)"], dependsOn: Self.account(user),
          after: containers.flatMap(Self.units),
          payload: PodmanPayload.removeVolume(user: user, volume: volume, containers: containers)))
    }
    for (key, containers) in images.sorted(by: { $0.key < $1.key }) {
      let (user, image) = Self.split(key, at: " ")
      result.changes.append(
        Change(
          address: Address("image", containers[0]), action: .delete, cause: .prune, plugin: name,
          summary: "remove the image \(image) from the storage of \(user) (`podman image rm`; "
            + Self.reason(containers) + ")",
          diff: ["-\(image)"], dependsOn: Self.account(user),
          after: containers.flatMap(Self.units),
          payload: PodmanPayload.removeImage(user: user, image: image, containers: containers)))
    }
  }

  /// Records in the entries of `containers` that `done` was removed, and forgets an entry with
  /// nothing left to remove.
  static func recordRemoval(
    of done: Removed, containers: [String], ledger: inout Ledger
  ) {
    for container in containers {
      let address = Address("container", container)
      guard var entry = ledger[address] else { continue }
      switch done {
      case .volume(let volume):
        let left = words(entry.facts[Fact.volumes]).filter { $0 != volume }
        entry.facts[Fact.volumes] = left.isEmpty ? nil : left.joined(separator: " ")
        if left.isEmpty { entry.facts[Fact.removeVolumes] = nil }
      case .image:
        entry.facts[Fact.removeImage] = nil
      }
      let pending = entry.facts[Fact.removeVolumes] != nil || entry.facts[Fact.removeImage] != nil
      ledger[address] = pending ? entry : nil
    }
  }

  /// What a removal change removed.
  enum Removed {
    case volume(String)
    case image
  }

  /// The changes of the units plugin that stop and remove a container's units: a volume or
  /// image goes only after them.
  private static func units(of container: String) -> [Address] {
    ["service", "timer"].flatMap { suffix in
      let unit = "user/container-\(container).\(suffix)"
      return [Address("activation", unit), Address("enablement", unit), Address("unit", unit)]
    }
  }

  /// The user's account changes, reversed for a deletion: a user (its linger, its ranges) is
  /// removed only after podman removed what it holds.
  private static func account(_ user: String) -> [Address] {
    [Address("user", user), Address("linger", user), Address("subids", user)]
  }

  private static func reason(_ containers: [String]) -> String {
    let names = containers.map { "'\($0)'" }.joined(separator: ", ")
    return "on-removal of container\(containers.count == 1 ? "" : "s") \(names)"
  }

  private static func split(_ key: String, at separator: Character) -> (String, String) {
    let index = key.firstIndex(of: separator)!
    return (String(key[..<index]), String(key[key.index(after: index)...]))
  }

  static func words(_ text: String?) -> [String] {
    (text ?? "").split(separator: " ").map(String.init)
  }
}
