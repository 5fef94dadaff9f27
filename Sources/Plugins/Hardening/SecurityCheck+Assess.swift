extension SecurityCheck {
  /// The badness of `settings` for this check (0 up to `range`), or nil when the check does
  /// not apply, and the description systemd prints when it computes one itself.
  ///
  /// The rules are those of systemd 252's `assess_*()` functions.
  public func assess(_ settings: SecuritySettings) -> (badness: Int?, description: String?) {
    if defaultDependenciesOnly && !settings.defaultDependencies {
      return (nil, "Service runs in special boot phase, option is not appropriate")
    }
    switch assessor {
    case .flag(let flag, let badWhenSet):
      return (settings[flag] == badWhenSet ? 1 : 0, nil)
    case .capabilities(let capabilities):
      let mask = capabilities.reduce(0) { $0 | $1.bit }
      return (settings.capabilityBoundingSet & mask != 0 ? 1 : 0, nil)
    case .namespace(let kind):
      return (settings.restrictNamespaces & kind.flag != 0 ? 1 : 0, nil)
    case .systemCallFilter(let group):
      return Self.assessSystemCallFilter(settings.systemCallFilter, group: group)
    case .user:
      return Self.assessUser(settings)
    case .supplementaryGroups:
      if settings.runsPrivileged { return (nil, nil) }
      return (settings.supplementaryGroups.isEmpty ? 0 : 1, nil)
    case .removeIpc:
      if settings.runsPrivileged { return (nil, nil) }
      return (settings[.removeIPC] ? 0 : 1, nil)
    case .protectHome:
      switch settings.protectHome {
      case "yes": return (0, "Service has no access to home directories")
      case "read-only": return (5, "Service has read-only access to home directories")
      case "tmpfs": return (1, "Service has access to fake empty home directories")
      default: return (10, "Service has full access to home directories")
      }
    case .protectSystem:
      switch settings.protectSystem {
      case "strict": return (0, "Service has strict read-only access to the OS file hierarchy")
      case "full": return (3, "Service has very limited write access to the OS file hierarchy")
      case "yes": return (5, "Service has limited write access to the OS file hierarchy")
      default: return (10, "Service has full access to the OS file hierarchy")
      }
    case .rootDirectory:
      let isHost = { (path: String?) in path == nil || path == "/" }
      return (isHost(settings.rootDirectory) && isHost(settings.rootImage) ? 1 : 0, nil)
    case .umask:
      return Self.assessUMask(settings.umask)
    case .keyringMode:
      return (settings.keyringMode == "private" ? 0 : 1, nil)
    case .protectProc:
      switch settings.protectProc {
      case "noaccess": return (1, nil)
      case "invisible", "ptraceable": return (0, nil)
      default: return (3, nil)
      }
    case .procSubset:
      return (settings.procSubset == "pid" ? 0 : 1, nil)
    case .notifyAccess:
      return (settings.notifyAccess == "all" ? 1 : 0, nil)
    case .systemCallArchitectures:
      let archs = settings.systemCallArchitectures
      if archs.isEmpty { return (10, "Service may execute system calls with all ABIs") }
      if archs == ["native"] { return (0, "Service may execute system calls only with native ABI") }
      return (8, "Service may execute system calls with multiple ABIs")
    case .ipAddressAllow:
      return Self.assessIPAddresses(settings)
    case .deviceAllow:
      guard settings.devicePolicy == "strict" || settings.devicePolicy == "closed" else {
        return (10, "Service has no device ACL")
      }
      if settings.deviceAllow.isEmpty { return (0, "Service has a minimal device ACL") }
      let list = settings.deviceAllow.joined(separator: " ")
      return (5, "Service has a device ACL with some special devices: " + list)
    case .ambientCapabilities:
      return (settings.ambientCapabilities != 0 ? 1 : 0, nil)
    }
  }

  private static func assessUser(_ settings: SecuritySettings) -> (Int?, String?) {
    let user = settings.user
    if user == "nobody" {
      return (9, "Service runs under as 'nobody' user, which should not be used for services")
    }
    let isRoot = user == "0" || user == "root"
    if settings.dynamicUser && !isRoot {
      return (0, "Service runs under a transient non-root user identity")
    }
    if let user, !isRoot, !user.isEmpty {
      return (0, "Service runs under a static non-root user identity")
    }
    return (10, nil)
  }

  private static func assessUMask(_ umask: UInt32) -> (Int?, String?) {
    if umask & 0o002 == 0 { return (10, "Files created by service are world-writable by default") }
    if umask & 0o004 == 0 { return (5, "Files created by service are world-readable by default") }
    if umask & 0o020 == 0 { return (2, "Files created by service are group-writable by default") }
    if umask & 0o040 == 0 { return (1, "Files created by service are group-readable by default") }
    return (0, "Files created by service are accessible only by service's own user by default")
  }

  private static func assessIPAddresses(_ settings: SecuritySettings) -> (Int?, String?) {
    if !settings.ipIngressFilterPaths.isEmpty || !settings.ipEgressFilterPaths.isEmpty {
      return (0, "Service defines custom ingress/egress IP filters with BPF programs")
    }
    let denyAll =
      settings.ipAddressDeny.contains { !$0.isIPv6 && $0.length == 0 }
      && settings.ipAddressDeny.contains { $0.isIPv6 && $0.length == 0 }
    if !denyAll { return (10, "Service does not define an IP address allow list") }
    if settings.ipAddressAllow.contains(where: { !$0.isLocalhost }) {
      return (5, "Service defines IP address allow list with non-localhost entries")
    }
    if !settings.ipAddressAllow.isEmpty {
      return (2, "Service defines IP address allow list with only localhost entries")
    }
    return (0, "Service blocks all IP address ranges")
  }

  private static func assessSystemCallFilter(_ filter: SyscallFilter, group: String)
    -> (Int?, String?)
  {
    guard filter.isAllowList || filter.listsAny else {
      return (10, "Service does not filter system calls")
    }
    let offender = filter.offender(in: group)
    switch (filter.isAllowList, offender) {
    case (true, let call?):
      return (
        9,
        "System call allow list defined for service, and \(group) is included "
          + "(e.g. \(call) is allowed)"
      )
    case (true, nil):
      return (0, "System call allow list defined for service, and \(group) is not included")
    case (false, let call?):
      return (
        10,
        "System call deny list defined for service, and \(group) is not included "
          + "(e.g. \(call) is allowed)"
      )
    case (false, nil):
      return (0, "System call deny list defined for service, and \(group) is included")
    }
  }
}
