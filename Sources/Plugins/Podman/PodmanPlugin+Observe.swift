import Core

extension PodmanPlugin {
  /// Programs rootless podman needs, where Debian installs them.
  static let programs = [
    "podman": "/usr/bin/podman", "crun": "/usr/bin/crun", "newuidmap": "/usr/bin/newuidmap",
    "newgidmap": "/usr/bin/newgidmap", "setpriv": UserSession.setpriv,
  ]

  public func observe(_ desired: DesiredPodman, ledger: Ledger, host: Host) throws -> ObservedPodman {
    var observed = ObservedPodman()
    let fs = host.fs
    observed.live = host.isLive && fs.root == "/"
    observed.configuration = try fs.read(Self.configurationPath).map {
      String(decoding: $0, as: UTF8.self)
    }
    let removedUsers = Self.removed(desired, ledger: ledger).compactMap { $0.entry.facts["user"] }
    let users = Set(desired.users + removedUsers).sorted()
    guard !users.isEmpty else { return observed }
    for (name, path) in Self.programs {
      observed.programs[name] = try fs.status(HostPath(path)!)?.kind == .regular
    }
    if observed.live {
      observed.cgroupV2 = try fs.status(HostPath("/sys/fs/cgroup/cgroup.controllers")!) != nil
      observed.cgroupHybrid =
        try fs.status(HostPath("/sys/fs/cgroup/unified/cgroup.controllers")!) != nil
      observed.unprivilegedUsernsClone = try sysctl(
        "/proc/sys/kernel/unprivileged_userns_clone", fs)
      observed.maxUserNamespaces = try sysctl("/proc/sys/user/max_user_namespaces", fs)
    }
    let accounts = AccountFiles(host: host)
    let passwd = try accounts.passwd()
    let wanted = Set(users)
    let subuid = try accounts.read("/etc/subuid").map { SubordinateIDLine.firstStarts(in: $0, of: wanted) } ?? [:]
    let subgid = try accounts.read("/etc/subgid").map { SubordinateIDLine.firstStarts(in: $0, of: wanted) } ?? [:]
    for user in users {
      guard let entry = passwd.entry(named: user) else { continue }
      let home = HostPath(entry.home)
      observed.users[user] = .init(
        uid: entry.uid, gid: entry.gid, home: entry.home,
        homeExists: try home.flatMap { try fs.status($0) }?.kind == .directory,
        subuidStart: subuid[user], hasSubgid: subgid[user] != nil,
        images: try home.flatMap { try Self.storedImages(home: $0, fs: fs) },
        volumes: home.flatMap { (try? fs.list(Self.storage(home: $0).child("volumes"))) ?? nil })
    }
    for container in desired.containers {
      var facts = ObservedPodman.ContainerFacts()
      if let user = observed.users[container.user] {
        let cidfile = HostPath("/run/user/\(user.uid)")!.child(
          container.serviceName.rawValue + ".ctr-id")
        if let bytes = try? fs.read(cidfile, limit: 4096) {
          let id = String(decoding: bytes, as: UTF8.self).filter { $0.isHexDigit }
          if !id.isEmpty { facts.runningID = id }
        }
      }
      for volume in container.volumes {
        guard case .path(let path) = volume.source, let status = try fs.status(path) else {
          continue
        }
        facts.bindMounts[path.description] = .init(
          uid: status.uid, gid: status.gid, isDirectory: status.kind == .directory)
      }
      observed.containers[container.name] = facts
    }
    return observed
  }

  /// A sysctl's value, nil when the kernel has no such setting.
  private func sysctl(_ path: String, _ fs: RootedFileSystem) throws -> String? {
    guard let bytes = try? fs.read(HostPath(path)!, limit: 64) else { return nil }
    return String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
  }

  /// A user's rootless podman storage (containers/storage's default graph root).
  static func storage(home: HostPath) -> HostPath {
    home.child(".local").child("share").child("containers").child("storage")
  }

  /// The images of a user's podman storage, read from containers/storage's `images.json`
  /// (overlay or vfs driver) under `~/.local/share/containers/storage`; nil when there is none.
  static func storedImages(home: HostPath, fs: RootedFileSystem) throws -> [ObservedPodman
    .StoredImage]?
  {
    let storage = storage(home: home)
    var found: [ObservedPodman.StoredImage]?
    for driver in ["overlay-images", "vfs-images"] {
      guard let bytes = try? fs.read(storage.child(driver).child("images.json"), limit: 64 << 20),
        case .array(let items)? = try? JSONValue(parsing: bytes)
      else { continue }
      var images = found ?? []
      for case .object(let item) in items {
        guard case .string(let id)? = item["id"] else { continue }
        images.append(
          .init(id: id, names: strings(item["names"]), digests: strings(item["digests"])))
      }
      found = images
    }
    return found

    func strings(_ value: JSONValue?) -> [String] {
      guard case .array(let values)? = value else { return [] }
      return values.compactMap {
        if case .string(let text) = $0 { return text } else { return nil }
      }
    }
  }
}
