/// A Linux capability, numbered as in linux/capability.h (the kernel headers of Debian 12,
/// which systemd 252 was built with).
public enum Capability: Int, Sendable, Hashable, CaseIterable {
  case chown = 0
  case dacOverride = 1
  case dacReadSearch = 2
  case fowner = 3
  case fsetid = 4
  case kill = 5
  case setgid = 6
  case setuid = 7
  case setpcap = 8
  case linuxImmutable = 9
  case netBindService = 10
  case netBroadcast = 11
  case netAdmin = 12
  case netRaw = 13
  case ipcLock = 14
  case ipcOwner = 15
  case sysModule = 16
  case sysRawio = 17
  case sysChroot = 18
  case sysPtrace = 19
  case sysPacct = 20
  case sysAdmin = 21
  case sysBoot = 22
  case sysNice = 23
  case sysResource = 24
  case sysTime = 25
  case sysTtyConfig = 26
  case mknod = 27
  case lease = 28
  case auditWrite = 29
  case auditControl = 30
  case setfcap = 31
  case macOverride = 32
  case macAdmin = 33
  case syslog = 34
  case wakeAlarm = 35
  case blockSuspend = 36
  case auditRead = 37
  case perfmon = 38
  case bpf = 39
  case checkpointRestore = 40

  /// The name systemd prints, e.g. `CAP_SYS_ADMIN`.
  public var name: String {
    "CAP_"
      + String(describing: self).reduce(into: "") { out, character in
        if character.isUppercase { out += "_" }
        out += character.uppercased()
      }
  }

  /// The bit of this capability in a mask.
  public var bit: UInt64 { 1 << UInt64(rawValue) }

  /// The capability named `name` (`CAP_SYS_ADMIN`, any case) or numbered 0-63, as
  /// `capability_from_name()` accepts it; for a number without a known name, its bit only.
  static func bit(named name: String) -> UInt64? {
    if let number = Int(name) { return (0..<64).contains(number) ? 1 << UInt64(number) : nil }
    return byName[name.uppercased()]?.bit
  }

  private static let byName: [String: Capability] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.name, $0) })

  /// A mask from a space-separated list of names; unknown names are skipped, as systemd does.
  static func mask(_ list: String) -> UInt64 {
    words(list).reduce(0) { $0 | (bit(named: $1) ?? 0) }
  }
}
