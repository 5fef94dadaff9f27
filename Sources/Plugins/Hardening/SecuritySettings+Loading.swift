import Core

extension SecuritySettings {
  /// The settings of service `name` loaded from `unit` (the file merged with its drop-ins), as
  /// `systemd-analyze security --offline=yes` of systemd 252 sees them.
  ///
  /// Assignments apply in order, each the way systemd's parser for that directive applies it
  /// (src/core/load-fragment.c): an invalid value is ignored and keeps the previous one; an
  /// empty one resets a list. A template is analysed as its instance `i`, as systemd-analyze
  /// does. Unknown directives and sections are ignored.
  public init(loading unit: UnitFile, name: UnitName) {
    let instanceName =
      name.isTemplate
      ? UnitName(String(name.stem.dropLast()) + "@i." + name.suffix) ?? name : name
    self.init(id: instanceName.rawValue)
    let specifiers = UnitSpecifiers(name: instanceName)
    for assignment in unit.assignments {
      switch assignment.section {
      case "Unit":
        if assignment.key == "DefaultDependencies", let on = parseBoolean(assignment.value) {
          defaultDependencies = on
        }
      case "Service":
        apply(assignment.key, assignment.value, specifiers: specifiers)
      default:
        continue
      }
    }
    patchContexts(name: instanceName)
  }

  private mutating func apply(_ key: String, _ value: String, specifiers: UnitSpecifiers) {
    // One lookup; a switch over the names compared the key with each in turn.
    guard let directive = SecuritySettings.directives[key] else { return }
    switch directive {
    case .boolean(let flag):
      if let on = parseBoolean(value) { self[flag] = on }
    case .dynamicUser:
      if let on = parseBoolean(value) { dynamicUser = on }
    case .user:
      user = value.isEmpty ? nil : specifiers.expand(value)
    case .supplementaryGroups:
      supplementaryGroups =
        value.isEmpty ? [] : supplementaryGroups + words(value).map(specifiers.expand)
    case .capabilityBoundingSet:
      capabilityBoundingSet = mergeCapabilities(capabilityBoundingSet, value, initial: .max)
    case .ambientCapabilities:
      ambientCapabilities = mergeCapabilities(ambientCapabilities, value, initial: 0)
    case .keyringMode:
      if ["inherit", "private", "shared"].contains(value) { keyringMode = value }
    case .protectProc:
      if ["default", "noaccess", "invisible", "ptraceable"].contains(value) { protectProc = value }
    case .procSubset:
      if ["all", "pid"].contains(value) { procSubset = value }
    case .notifyAccess:
      if ["none", "main", "exec", "all"].contains(value) { notifyAccess = value }
    case .protectHome:
      if let mode = enumWithBoolean(value, ["read-only", "tmpfs"]) { protectHome = mode }
    case .protectSystem:
      if let mode = enumWithBoolean(value, ["full", "strict"]) { protectSystem = mode }
    case .restrictNamespaces:
      applyRestrictNamespaces(value)
    case .restrictAddressFamilies:
      applyAddressFamilies(value)
    case .systemCallFilter:
      systemCallFilter.apply(value)
    case .systemCallArchitectures:
      if value.isEmpty { systemCallArchitectures = [] }
      systemCallArchitectures.formUnion(
        words(value).filter(SecuritySettings.architectures.contains))
    case .rootDirectory:
      rootDirectory = value.isEmpty ? nil : specifiers.expand(value)
    case .rootImage:
      rootImage = value.isEmpty ? nil : specifiers.expand(value)
    case .umask:
      if let mode = UInt32(value, radix: 8), mode <= 0o7777, value.first?.isNumber == true {
        umask = mode
      }
    case .delegate:
      // A boolean, or a list of controllers, which turns delegation on; empty turns it on too.
      self[.delegate] = value.isEmpty ? true : parseBoolean(value) ?? true
    case .devicePolicy:
      if ["auto", "closed", "strict"].contains(value) { devicePolicy = value }
    case .deviceAllow:
      applyDeviceAllow(value, specifiers: specifiers)
    case .ipAddressDeny:
      ipAddressDeny =
        value.isEmpty
        ? [] : ipAddressDeny + words(value).flatMap { IPAddressPrefix.parse($0) ?? [] }
    case .ipAddressAllow:
      ipAddressAllow =
        value.isEmpty
        ? [] : ipAddressAllow + words(value).flatMap { IPAddressPrefix.parse($0) ?? [] }
    case .ipIngressFilterPath:
      ipIngressFilterPaths = value.isEmpty ? [] : ipIngressFilterPaths + [value]
    case .ipEgressFilterPath:
      ipEgressFilterPaths = value.isEmpty ? [] : ipEgressFilterPaths + [value]
    case .loadCredentialEncrypted, .setCredentialEncrypted:
      if !value.isEmpty { hasEncryptedCredentials = true }
    }
  }

  /// `config_parse_capability_set()`: the first list (or one after `~` alone) replaces the
  /// initial value; later lists add to it, or with `~` take away from it.
  private func mergeCapabilities(_ current: UInt64, _ value: String, initial: UInt64) -> UInt64 {
    var list = Substring(value)
    let invert = list.hasPrefix("~")
    if invert { list = list.dropFirst() }
    let sum = Capability.mask(String(list))
    if sum == 0 || current == initial { return invert ? ~sum : sum }
    return invert ? current & ~sum : current | sum
  }

  /// `config_parse_restrict_namespaces()`.
  private mutating func applyRestrictNamespaces(_ value: String) {
    if value.isEmpty {
      restrictNamespaces = .max
      return
    }
    if let on = parseBoolean(value) {
      restrictNamespaces = on ? 0 : NamespaceKind.all
      return
    }
    var list = Substring(value)
    let invert = list.hasPrefix("~")
    if invert { list = list.dropFirst() }
    var flags: UInt64 = 0
    for word in words(String(list)) {
      guard let kind = NamespaceKind(rawValue: word) else { return }
      flags |= kind.flag
    }
    if restrictNamespaces == .max {
      restrictNamespaces = invert ? ~flags & NamespaceKind.all : flags
    } else if invert {
      restrictNamespaces &= ~flags
    } else {
      restrictNamespaces |= flags
    }
  }

  /// `config_parse_address_families()`.
  private mutating func applyAddressFamilies(_ value: String) {
    if value.isEmpty || value == "none" {
      addressFamilies = []
      addressFamiliesAllowList = value == "none"
      addressFamiliesSet = false
      return
    }
    var list = Substring(value)
    let invert = list.hasPrefix("~")
    if invert { list = list.dropFirst() }
    if !addressFamiliesSet {
      addressFamiliesSet = true
      addressFamiliesAllowList = !invert
    }
    for word in words(String(list)) {
      guard let family = AddressFamily.number(named: word) else { continue }
      if !invert == addressFamiliesAllowList {
        addressFamilies.insert(family)
      } else {
        addressFamilies.remove(family)
      }
    }
  }

  /// `config_parse_device_allow()`: `PATH [rwm]`, listed newest first.
  private mutating func applyDeviceAllow(_ value: String, specifiers: UnitSpecifiers) {
    if value.isEmpty {
      deviceAllow = []
      return
    }
    let parts = words(value)
    guard let first = parts.first else { return }
    let path = specifiers.expand(first)
    let rights = parts.dropFirst().joined(separator: " ")
    guard path.hasPrefix("block-") || path.hasPrefix("char-") || path.hasPrefix("/dev/") else {
      return
    }
    guard rights.allSatisfy({ "rwm".contains($0) }) else { return }
    addDevice(path, rights)
  }

  private mutating func addDevice(_ path: String, _ rights: String) {
    let all = rights.isEmpty
    let mode =
      (all || rights.contains("r") ? "r" : "") + (all || rights.contains("w") ? "w" : "")
      + (all || rights.contains("m") ? "m" : "")
    deviceAllow.insert(path + ":" + mode, at: 0)
  }

  /// What systemd patches in after loading (`unit_patch_contexts()` in src/core/unit.c), and the
  /// views `get_security_info()` in src/analyze/analyze-security.c derives.
  private mutating func patchContexts(name: UnitName) {
    if self[.privateDevices] {
      capabilityBoundingSet &= ~(Capability.mknod.bit | Capability.sysRawio.bit)
    }
    if self[.protectKernelModules] { capabilityBoundingSet &= ~Capability.sysModule.bit }
    if self[.protectKernelLogs] { capabilityBoundingSet &= ~Capability.syslog.bit }
    if self[.protectClock] {
      capabilityBoundingSet &= ~(Capability.sysTime.bit | Capability.wakeAlarm.bit)
    }
    if dynamicUser {
      if user == nil { user = SecuritySettings.dynamicUserName(for: name) }
      self[.privateTmp] = true
      self[.removeIPC] = true
      protectSystem = "strict"
      if protectHome == "no" { protectHome = "read-only" }
      self[.noNewPrivileges] = true
      self[.restrictSUIDSGID] = true
    }
    if self[.privateDevices] && devicePolicy == "auto" { devicePolicy = "closed" }
    if devicePolicy != "auto" || !deviceAllow.isEmpty {
      if rootImage != nil {
        for path in ["/dev/loop-control", "/dev/mapper/control"] { addDevice(path, "rw") }
        for path in ["block-loop", "block-blkext", "block-device-mapper"] { addDevice(path, "rwm") }
      }
      if self[.protectClock] { addDevice("char-rtc", "r") }
      if hasEncryptedCredentials { addDevice("/dev/tpmrm0", "rw") }
    }
    let allow = addressFamiliesAllowList
    let restricted: [Flag] = [
      .restrictAddressFamilyInet, .restrictAddressFamilyUnix, .restrictAddressFamilyNetlink,
      .restrictAddressFamilyPacket, .restrictAddressFamilyOther,
    ]
    for flag in restricted { self[flag] = allow }
    for family in addressFamilies where family != 0 {
      switch family {
      case AddressFamily.inet, AddressFamily.inet6: self[.restrictAddressFamilyInet] = !allow
      case AddressFamily.unix: self[.restrictAddressFamilyUnix] = !allow
      case AddressFamily.netlink: self[.restrictAddressFamilyNetlink] = !allow
      case AddressFamily.packet: self[.restrictAddressFamilyPacket] = !allow
      default: self[.restrictAddressFamilyOther] = !allow
      }
    }
  }

  /// The user name `DynamicUser=` picks without `User=`: the unit's prefix when it is a valid
  /// user name (`user_from_unit_name()`); otherwise systemd hashes it into `_du…`, which only
  /// matters here as "some non-root name".
  static func dynamicUserName(for name: UnitName) -> String {
    let prefix = name.stem.split(separator: "@", maxSplits: 1).first.map(String.init) ?? name.stem
    let valid =
      prefix.first.map { $0.isLetter || $0 == "_" } == true && prefix.count <= 31
      && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    return valid ? prefix : "_du" + prefix
  }

  /// The `Flag` each plain boolean directive of `[Service]` sets.
  static let booleanDirectives: [String: Flag] = [
    "PrivateDevices": .privateDevices, "PrivateMounts": .privateMounts,
    "PrivateNetwork": .privateNetwork, "PrivateTmp": .privateTmp, "PrivateUsers": .privateUsers,
    "ProtectControlGroups": .protectControlGroups, "ProtectKernelModules": .protectKernelModules,
    "ProtectKernelTunables": .protectKernelTunables, "ProtectKernelLogs": .protectKernelLogs,
    "ProtectClock": .protectClock, "ProtectHostname": .protectHostname,
    "LockPersonality": .lockPersonality, "MemoryDenyWriteExecute": .memoryDenyWriteExecute,
    "NoNewPrivileges": .noNewPrivileges, "RestrictRealtime": .restrictRealtime,
    "RestrictSUIDSGID": .restrictSUIDSGID, "RemoveIPC": .removeIPC,
  ]

  /// What a `[Service]` directive the loader reads sets (`apply`).
  enum Directive: Hashable {
    case boolean(Flag)
    case dynamicUser, user, supplementaryGroups, capabilityBoundingSet, ambientCapabilities
    case keyringMode, protectProc, procSubset, notifyAccess, protectHome, protectSystem
    case restrictNamespaces, restrictAddressFamilies, systemCallFilter, systemCallArchitectures
    case rootDirectory, rootImage, umask, delegate, devicePolicy, deviceAllow
    case ipAddressDeny, ipAddressAllow, ipIngressFilterPath, ipEgressFilterPath
    case loadCredentialEncrypted, setCredentialEncrypted
  }

  /// Every `[Service]` directive the loader reads, by name.
  static let directives: [String: Directive] = booleanDirectives.mapValues { .boolean($0) }.merging(
    [
      "DynamicUser": .dynamicUser, "User": .user, "SupplementaryGroups": .supplementaryGroups,
      "CapabilityBoundingSet": .capabilityBoundingSet, "AmbientCapabilities": .ambientCapabilities,
      "KeyringMode": .keyringMode, "ProtectProc": .protectProc, "ProcSubset": .procSubset,
      "NotifyAccess": .notifyAccess, "ProtectHome": .protectHome, "ProtectSystem": .protectSystem,
      "RestrictNamespaces": .restrictNamespaces, "RestrictAddressFamilies": .restrictAddressFamilies,
      "SystemCallFilter": .systemCallFilter, "SystemCallArchitectures": .systemCallArchitectures,
      "RootDirectory": .rootDirectory, "RootImage": .rootImage, "UMask": .umask, "Delegate": .delegate,
      "DevicePolicy": .devicePolicy, "DeviceAllow": .deviceAllow, "IPAddressDeny": .ipAddressDeny,
      "IPAddressAllow": .ipAddressAllow, "IPIngressFilterPath": .ipIngressFilterPath,
      "IPEgressFilterPath": .ipEgressFilterPath, "LoadCredentialEncrypted": .loadCredentialEncrypted,
      "SetCredentialEncrypted": .setCredentialEncrypted,
    ]
  ) { boolean, _ in boolean }

  /// Every `[Service]` directive the loader reads: the directives whose value moves the
  /// exposure.
  static let scoredDirectives = Set(directives.keys)

  /// Names `SystemCallArchitectures=` accepts (`seccomp_arch_from_string()`).
  static let architectures: Set<String> = [
    "native", "x86", "x86-64", "x32", "arm", "arm64", "mips", "mips64", "mips64-n32", "mips-le",
    "mips64-le", "mips64-le-n32", "parisc", "parisc64", "ppc", "ppc64", "ppc64-le", "riscv64",
    "s390", "s390x",
  ]
}

/// `parse_boolean()`: yes/no and their synonyms, ignoring case; nil for anything else.
func parseBoolean(_ text: String) -> Bool? {
  switch text.lowercased() {
  case "1", "yes", "y", "true", "t", "on": true
  case "0", "no", "n", "false", "f", "off": false
  default: nil
  }
}

/// An enum setting that also takes a boolean (`yes` and `no` stand for themselves).
private func enumWithBoolean(_ text: String, _ names: Set<String>) -> String? {
  if let on = parseBoolean(text) { return on ? "yes" : "no" }
  return names.contains(text) ? text : nil
}
