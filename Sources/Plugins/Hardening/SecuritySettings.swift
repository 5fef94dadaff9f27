/// The sandboxing settings of one loaded service, as `systemd-analyze security --offline=yes`
/// of systemd 252 reads them: the unit file and its drop-ins applied in order, then the
/// defaults and implications systemd patches in when it loads the unit (`unit_patch_contexts()`
/// in src/core/unit.c), e.g. `DynamicUser=yes` implying `PrivateTmp=yes` and
/// `ProtectSystem=strict`, or `ProtectClock=yes` dropping `CAP_SYS_TIME`.
///
/// Field names follow the directives; the values are what systemd holds after loading, not the
/// text of the file.
public struct SecuritySettings: Sendable, Hashable {
  /// A boolean setting that a check reads directly.
  public enum Flag: Int, Sendable, Hashable, CaseIterable {
    case privateDevices, privateMounts, privateNetwork, privateTmp, privateUsers
    case protectControlGroups, protectKernelModules, protectKernelTunables, protectKernelLogs
    case protectClock, protectHostname, lockPersonality, memoryDenyWriteExecute
    case noNewPrivileges, delegate, restrictRealtime, restrictSUIDSGID, removeIPC
    /// `RestrictAddressFamilies=` keeps the service from allocating sockets of that kind.
    case restrictAddressFamilyInet, restrictAddressFamilyUnix, restrictAddressFamilyNetlink
    case restrictAddressFamilyPacket, restrictAddressFamilyOther

    /// The flag's bit in `SecuritySettings.flagBits`.
    var bit: UInt32 { 1 << UInt32(rawValue) }
  }

  /// The unit's id, e.g. `report.service`, or `foo@i.service` for the template `foo@.service`.
  public var id: String
  /// `DefaultDependencies=` of `[Unit]`.
  public var defaultDependencies = true
  /// The boolean settings that are on, a bit each (`Flag.bit`): set and read for every
  /// directive of every scored unit, where a `Set` hashed each time.
  private var flagBits: UInt32 = 0

  /// The boolean settings that are on.
  public var flags: Set<Flag> { Set(Flag.allCases.filter { self[$0] }) }
  /// `AmbientCapabilities=` as a bit mask of capability numbers.
  public var ambientCapabilities: UInt64 = 0
  /// `CapabilityBoundingSet=` as a bit mask; all bits when unset.
  public var capabilityBoundingSet: UInt64 = .max
  /// `User=`, or the name `DynamicUser=` picks; nil runs as root.
  public var user: String?
  /// `SupplementaryGroups=`.
  public var supplementaryGroups: [String] = []
  /// `DynamicUser=`.
  public var dynamicUser = false
  /// `IPAddressDeny=` and `IPAddressAllow=`.
  public var ipAddressDeny: [IPAddressPrefix] = []
  public var ipAddressAllow: [IPAddressPrefix] = []
  /// `IPIngressFilterPath=` and `IPEgressFilterPath=`.
  public var ipIngressFilterPaths: [String] = []
  public var ipEgressFilterPaths: [String] = []
  /// `KeyringMode=`: `inherit`, `private` (a system service's default) or `shared`.
  public var keyringMode = "private"
  /// `ProtectProc=`: `default`, `noaccess`, `invisible` or `ptraceable`.
  public var protectProc = "default"
  /// `ProcSubset=`: `all` or `pid`.
  public var procSubset = "all"
  /// `NotifyAccess=`: `none`, `main`, `exec` or `all` (`Type=notify` makes `none` `main`).
  public var notifyAccess = "none"
  /// `ProtectHome=`: `no`, `yes`, `read-only` or `tmpfs`.
  public var protectHome = "no"
  /// `ProtectSystem=`: `no`, `yes`, `full` or `strict`.
  public var protectSystem = "no"
  /// `RestrictAddressFamilies=`: the families listed and whether the list allows or denies.
  public var addressFamilies: Set<Int> = []
  public var addressFamiliesAllowList = false
  /// `RestrictNamespaces=` as a mask of the namespace kinds still allowed; all when unset.
  public var restrictNamespaces: UInt64 = .max
  /// `RootDirectory=` and `RootImage=`.
  public var rootDirectory: String?
  public var rootImage: String?
  /// `DevicePolicy=`: `auto`, `closed` or `strict`.
  public var devicePolicy = "auto"
  /// `DeviceAllow=` entries as `PATH:rwm`, newest first as systemd lists them.
  public var deviceAllow: [String] = []
  /// `SystemCallArchitectures=` by name (`native`, `x86-64`, ...).
  public var systemCallArchitectures: Set<String> = []
  /// `SystemCallFilter=`.
  public var systemCallFilter = SyscallFilter()
  /// `UMask=`.
  public var umask: UInt32 = 0o022
  /// Whether `RestrictAddressFamilies=` has a list since its last reset.
  var addressFamiliesSet = false
  /// Whether encrypted credentials make systemd allow the TPM device.
  var hasEncryptedCredentials = false

  /// Settings of a service that sets nothing.
  public init(id: String) { self.id = id }

  /// Whether `flag` is on.
  public subscript(flag: Flag) -> Bool {
    get { flagBits & flag.bit != 0 }
    set { flagBits = newValue ? flagBits | flag.bit : flagBits & ~flag.bit }
  }

  /// Whether the service runs as root: `User=` unset, `root` or `0`, and no `DynamicUser=`
  /// (`security_info_runs_privileged()`).
  public var runsPrivileged: Bool {
    if let user, user == "0" || user == "root" { return true }
    if dynamicUser { return false }
    return user == nil
  }
}
