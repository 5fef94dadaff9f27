import Core

extension PodmanPlugin {
  public func plan(
    _ desired: DesiredPodman, observed: ObservedPodman, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    planConfiguration(desired.settings, observed: observed, ledger: ledger, into: &result)
    planRemovals(desired, observed: observed, ledger: ledger, into: &result)
    guard !desired.containers.isEmpty else {
      forgetImages(except: [], ledger: ledger, into: &result)
      return result
    }
    preflight(desired, observed: observed, into: &result)
    if !observed.live {
      result.limitations.append(
        "podman: images are loaded or pulled, and `podman system migrate` runs, only on the "
          + "running host "
          + "(not on an offline root)")
    }
    var migrations: [String: Address] = [:]
    for user in desired.users where observed.live {
      // A user without ranges gets them in this run (the subids plugin plans them); podman
      // must then migrate its storage to the new mapping.
      guard observed.users[user]?.subuidStart == nil else { continue }
      let address = Address("podman-migrate", user)
      migrations[user] = address
      result.changes.append(
        Change(
          address: address, action: .update, cause: .consequence, plugin: name,
          summary: "run `podman system migrate` as \(user) (its subordinate IDs are new)",
          dependsOn: [Address("user", user), Address("subids", user), Address("linger", user)],
          payload: PodmanPayload.migrate(user: user)))
    }
    for container in desired.containers {
      let record = containerRecord(container, observed: observed, ledger: ledger)
      if ledger[container.address] != record { result.ledgerUpdates[container.address] = record }
      checkBindMounts(container, observed: observed, into: &result)
      if let id = observed.containers[container.name]?.runningID {
        result.notes.append(
          "\(container.name): running as container \(id.prefix(12)) (user \(container.user))")
      }
      guard observed.live else { continue }
      planImage(
        container, observed: observed, ledger: ledger, migration: migrations[container.user],
        into: &result)
    }
    forgetImages(except: Set(desired.containers.map(\.imageAddress)), ledger: ledger, into: &result)
    return result
  }

  /// Checks everything rootless podman needs before any change; errors on the running host,
  /// a note on an offline root (its kernel is not the one that will run the containers).
  private func preflight(
    _ desired: DesiredPodman, observed: ObservedPodman, into result: inout PluginPlan
  ) {
    var problems: [(String, [String])] = []
    let packages = [
      "podman": "podman", "crun": "crun", "newuidmap": "uidmap", "newgidmap": "uidmap",
      "setpriv": "util-linux",
    ]
    let missing = Self.programs.keys.sorted().filter { observed.programs[$0] == false }
    if !missing.isEmpty {
      let paths = missing.map { Self.programs[$0]! }
      let install = Set(missing.map { packages[$0]! }).sorted().joined(separator: " ")
      problems.append(
        (
          "not installed, and rootless containers need \(missing.count == 1 ? "it" : "them"): "
            + paths.joined(separator: ", "), ["apt-get install \(install)"]
        ))
    }
    if observed.cgroupV2 == false {
      if observed.cgroupHybrid == true {
        // Rootless podman runs on the hybrid layout (cgroupfs, no resource limits): say so.
        result.diagnostics.warning(
          "podman preflight: the host mounts cgroups in the hybrid layout (v1 controllers, v2 "
            + "only at "
            + "/sys/fs/cgroup/unified); rootless containers run, but without resource limits",
          at: desired.containers.first?.position, code: "podman-preflight",
          notes: [
            "boot with systemd.unified_cgroup_hierarchy=1 (Debian 12's default) for cgroup v2"
          ])
      } else {
        problems.append(
          (
            "the unified cgroup v2 hierarchy is not mounted (/sys/fs/cgroup/cgroup.controllers "
              + "is missing)",
            ["boot with systemd.unified_cgroup_hierarchy=1 (Debian 12's default)"]
          ))
      }
    }
    if observed.unprivilegedUsernsClone == "0" {
      problems.append(
        (
          "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)",
          ["sysctl -w kernel.unprivileged_userns_clone=1, and set it in /etc/sysctl.d/"]
        ))
    }
    if let maximum = observed.maxUserNamespaces, maximum == "0" {
      problems.append(
        (
          "user namespaces are disabled (user.max_user_namespaces = 0)",
          ["sysctl -w user.max_user_namespaces=15000, and set it in /etc/sysctl.d/"]
        ))
    }
    for user in desired.users {
      guard let facts = observed.users[user] else { continue }
      if !facts.homeExists {
        problems.append(
          (
            "\(user)'s home \(facts.home) does not exist; rootless podman keeps its storage there",
            ["declare the user with a home under users: (e.g. home: /var/lib/\(user))"]
          ))
      }
      if facts.subuidStart != nil && !facts.hasSubgid {
        problems.append(("\(user) has subordinate UIDs but no subordinate GIDs in /etc/subgid", []))
      }
    }
    for (message, notes) in problems {
      if observed.live {
        result.diagnostics.error(
          "podman preflight: " + message, at: desired.containers.first?.position,
          code: "podman-preflight",
          notes: notes)
      } else {
        result.limitations.append("podman preflight on the offline root: " + message)
      }
    }
  }

  /// Reports writable bind mounts whose folder is not owned by the host ID the container's
  /// user maps to (the rootless bind-mount trap), and missing folders.
  private func checkBindMounts(
    _ container: Container, observed: ObservedPodman, into result: inout PluginPlan
  ) {
    guard let user = observed.users[container.user] else { return }
    let inside = container.runAs ?? 0
    var expected: UInt32? = user.uid
    var how = "root in the container is \(container.user) (UID \(user.uid)) on the host"
    if container.keepID {
      how = "with userns keep-id, \(container.user) (UID \(user.uid)) is itself in the container"
      if inside != 0 && inside != user.uid { expected = nil }
    } else if inside != 0 {
      expected = user.subuidStart.map { $0 + inside - 1 }
      how =
        "user \(inside) in the container is subordinate UID \(expected.map(String.init) ?? "?") "
        + "on the host"
    }
    for volume in container.volumes where volume.isWritable {
      guard case .path(let path) = volume.source else { continue }
      guard let owner = observed.containers[container.name]?.bindMounts[path.description] else {
        if observed.live {
          result.diagnostics.warning(
            "bind mount \(path) of container '\(container.name)' does not exist; podman refuses "
              + "to start without it",
            at: volume.position, code: "bind-mount-missing",
            notes: expected.map { ["create it owned by UID \($0): \(how)"] } ?? [])
        }
        continue
      }
      guard let expected, owner.uid != expected else { continue }
      result.diagnostics.warning(
        "bind mount \(path) of container '\(container.name)' is owned by UID \(owner.uid), "
          + "but the container writes as UID \(expected) on the host; it will get 'permission "
          + "denied'",
        at: volume.position, code: "bind-mount-owner",
        notes: [
          how, "fix: chown \(expected) \(path) (or use U in its options to let podman chown it)",
        ])
    }
  }

  /// Loads the archive or pulls the image when the user's storage lacks it, or when the
  /// declared archive changed since reconcile loaded it.
  private func planImage(
    _ container: Container, observed: ObservedPodman, ledger: Ledger, migration: Address?,
    into result: inout PluginPlan
  ) {
    let address = container.imageAddress
    let entry = ledger[address]
    let declared = container.archive?.fingerprint ?? "pull \(container.image)"
    let facts = observed.users[container.user]
    let images = facts?.images
    let present: Bool
    if let images {
      present = images.contains { Self.image($0, matches: container.image) }
    } else {
      // No storage found: trust what reconcile did last (storage kept elsewhere).
      present = facts != nil && entry?.applied == declared
    }
    var record = Ledger.Entry(
      plugin: name, applied: declared, declared: declared, created: entry?.created ?? true,
      facts: ["user": container.user, "image": container.image])
    if let archive = container.archive, let file = archive.file {
      record.facts.record(file, of: archive.path)
    }
    // A claim a killed run left (`interrupted`) is reconcile's own unfinished work: the
    // image it finds is its own, and one it does not find is still new, not drift.
    let claimed = entry?.interrupted == true
    if present && (entry == nil || claimed || entry?.applied == declared) {
      // The archive's recorded identity alone is no reason to write the ledger (a no-op run
      // writes nothing); it is refreshed when the entry is written anyway.
      if entry.map(Self.withoutFile) != Self.withoutFile(record) {
        result.ledgerUpdates[address] = record
      }
      return
    }
    if container.archive == nil && container.pull == .never {
      if !present {
        result.diagnostics.error(
          "image \(container.image) of container '\(container.name)' is not in the storage of "
            + "\(container.user), "
            + "and pull is never", at: container.position, code: "container-image",
          notes: [
            "load it by hand (reconcile exec \(container.user) -- podman load -i FILE), or add "
              + "image-archive:"
          ])
      }
      return
    }
    let cause: Change.Cause = present ? .changed : ChangeClassifier.absentCause(entry: entry)
    let action: Change.Action = entry == nil || claimed ? .create : .update
    let dependsOn =
      [
        Address("user", container.user), Address("subids", container.user),
        Address("linger", container.user),
      ]
      + (migration.map { [$0] } ?? [])
    if let archive = container.archive {
      result.changes.append(
        Change(
          address: address, action: action, cause: cause, plugin: name,
          summary:
            "load \(archive.path) (\(archive.size / 1024) KiB) into the podman storage of "
            + "\(container.user) "
            + "for \(container.image)",
          diff: ["+\(container.image) from \(archive.fingerprint)"], dependsOn: dependsOn,
          payload: PodmanPayload.load(
            container: container.name, user: container.user, image: container.image,
            archive: archive)))
    } else {
      result.changes.append(
        Change(
          address: address, action: .create, cause: cause, plugin: name,
          summary: "pull \(container.image) as \(container.user)", diff: ["+\(container.image)"],
          dependsOn: dependsOn,
          payload: PodmanPayload.pull(
            container: container.name, user: container.user, image: container.image)))
    }
  }

  /// `entry` without the archive fingerprint it records.
  static func withoutFile(_ entry: Ledger.Entry) -> Ledger.Entry {
    var entry = entry
    entry.facts.record(nil, of: "")
    return entry
  }

  /// Forgets the images of containers that left the repository; the images themselves stay
  /// unless the container declared `on-removal: { image: remove }` (see `planRemovals`).
  private func forgetImages(
    except wanted: Set<Address>, ledger: Ledger, into result: inout PluginPlan
  ) {
    for address in ledger.addresses(of: name, kind: "image") where !wanted.contains(address) {
      result.ledgerUpdates[address] = .some(nil)
    }
  }

  /// Owns containers.conf only when reconcile created it or the declaration adopts it.
  private func planConfiguration(
    _ settings: PodmanSettings, observed: ObservedPodman, ledger: Ledger,
    into result: inout PluginPlan
  ) {
    let address = Self.configurationAddress
    let entry = ledger[address]
    guard let runtime = settings.runtime else {
      if entry != nil { result.ledgerUpdates[address] = .some(nil) }
      return
    }
    let text = Self.configurationText(runtime: runtime, keyring: settings.keyring)
    let fingerprint = "sha256:" + SHA256.hex(text)
    let seen = observed.configuration.map { "sha256:" + SHA256.hex($0) }
    if seen != nil && entry == nil && !settings.adoptConfiguration && seen != fingerprint {
      result.diagnostics.error(
        "\(Self.configurationPath) exists and reconcile did not create it; it will not replace it",
        at: settings.position, code: "host-conflict",
        notes: [
          "add adopt-containers-conf: true under podman: to let reconcile own it (its content "
            + "is replaced)"
        ])
      return
    }
    guard
      let cause = result.cause(
        of: address, fingerprint: fingerprint, observed: seen, ledger: ledger,
        record: {
          Ledger.Entry(plugin: name, applied: fingerprint, declared: fingerprint, created: $0)
        })
    else { return }
    result.changes.append(
      Change(
        address: address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
        summary: "set podman's OCI runtime to \(runtime) in \(Self.configurationPath)",
        diff: TextDiff.lines(from: observed.configuration, to: text),
        payload: PodmanPayload.configuration(
          contents: text, created: entry?.created ?? (seen == nil))))
  }

  /// containers.conf as reconcile writes it.
  static func configurationText(runtime: String, keyring: Bool?) -> String {
    var text = """
      # Managed by reconcile (podman: in the state repository). Do not edit: changes are
      # reverted. crun avoids runc's seccomp error with rootless containers.

      """
    if let keyring { text += "[containers]\nkeyring = \(keyring)\n\n" }
    return text + "[engine]\nruntime = \"\(runtime)\"\n"
  }

  /// Whether a stored image is `reference` (a name with tag, or a digest).
  static func image(_ image: ObservedPodman.StoredImage, matches reference: String) -> Bool {
    if let at = reference.firstIndex(of: "@") {
      let digest = String(reference[reference.index(after: at)...])
      return image.digests.contains(digest) || image.names.contains(reference)
    }
    let lastComponent = reference.split(separator: "/").last ?? ""
    let tagged = lastComponent.contains(":") ? reference : reference + ":latest"
    return image.names.contains(tagged)
  }
}
