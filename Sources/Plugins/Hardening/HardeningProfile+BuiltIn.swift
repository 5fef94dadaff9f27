extension HardeningProfile {
  /// The built-in profiles, from mild to strict.
  public static let builtIn: [HardeningProfile] = [mild, moderate, strict, isolated]

  /// The built-in profile named `name`.
  public static func builtIn(named name: String) -> HardeningProfile? {
    builtIn.first { $0.name == name }
  }

  /// Protections almost every service tolerates: a private /tmp, a read-only OS and home, no
  /// new privileges, no kernel tuning.
  public static let mild = HardeningProfile(
    name: "mild",
    summary: "Safe for nearly every service; the OS and home directories become read-only.",
    directives: [
      Directive("NoNewPrivileges", "yes"),
      Directive("PrivateTmp", "yes"),
      Directive("ProtectSystem", "full"),
      Directive("ProtectHome", "read-only"),
      Directive("ProtectKernelTunables", "yes"),
      Directive("ProtectKernelModules", "yes"),
      Directive("ProtectControlGroups", "yes"),
      Directive("RestrictSUIDSGID", "yes"),
      Directive("RestrictRealtime", "yes"),
      Directive("LockPersonality", "yes"),
    ])

  /// A sandbox for a network daemon that writes only its own state directories: strict
  /// read-only OS, no devices, native system calls of `@system-service` only.
  public static let moderate = mild.adding(
    [
      Directive("ProtectSystem", "strict"),
      Directive("ProtectHome", "yes"),
      Directive("PrivateDevices", "yes"),
      Directive("ProtectKernelLogs", "yes"),
      Directive("ProtectClock", "yes"),
      Directive("ProtectHostname", "yes"),
      Directive("ProtectProc", "invisible"),
      Directive("RestrictNamespaces", "yes"),
      Directive("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
      Directive("MemoryDenyWriteExecute", "yes"),
      Directive("SystemCallArchitectures", "native"),
      Directive("SystemCallFilter", "@system-service"),
      Directive("SystemCallFilter", "~@privileged @resources"),
      Directive("UMask", "0077"),
    ], name: "moderate",
    summary: "For daemons that write only their own state directories: read-only OS, no devices, "
      + "only @system-service system calls on the native ABI, IP and local sockets only.")

  /// For a non-root service that needs no capabilities and talks to the network only on
  /// loopback: no capabilities, private users and mounts, only localhost IP traffic.
  public static let strict = moderate.adding(
    [
      Directive("CapabilityBoundingSet", ""),
      Directive("AmbientCapabilities", ""),
      Directive("PrivateUsers", "yes"),
      Directive("PrivateMounts", "yes"),
      Directive("ProcSubset", "pid"),
      Directive("RemoveIPC", "yes"),
      Directive("KeyringMode", "private"),
      Directive("DevicePolicy", "closed"),
      Directive("IPAddressDeny", "any"),
      Directive("IPAddressAllow", "localhost"),
    ], name: "strict",
    summary: "For non-root services that need no capabilities and use the network only on "
      + "loopback: no capabilities, private users and mounts, only localhost IP traffic.")

  /// For a job that needs no network at all: `strict` plus a private network and local
  /// sockets only.
  public static let isolated = strict.adding(
    [
      Directive("PrivateNetwork", "yes"),
      Directive("RestrictAddressFamilies", ""),
      Directive("RestrictAddressFamilies", "AF_UNIX"),
      Directive("IPAddressAllow", ""),
    ], name: "isolated",
    summary: "For jobs with no network at all: strict plus a private network and local sockets "
      + "only.")
}
