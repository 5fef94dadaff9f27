import Core

/// What the units plugin will make true on the host: files to install, and which units are
/// enabled and running.
public struct DesiredUnits: Sendable {
  /// A unit file or drop-in to install, verbatim.
  public struct File: Sendable {
    public var scope: UnitScope
    /// The unit the file belongs to.
    public var unit: UnitName
    /// nil for the unit file itself, the file name for a drop-in.
    public var dropIn: String?
    public var contents: [UInt8]
    /// Where it comes from: a repository path or a plugin.
    public var origin: String
    /// For a user unit made for one user (`ConditionUser=`): the user whose manager runs it.
    public var user: String? = nil
    /// Whether a change of this file restarts its running unit; false for a drop-in whose
    /// lines systemd takes at `daemon-reload` alone (failure email's `OnFailure=`).
    public var restartsUnit = true

    /// The path on the host.
    public var path: HostPath { Self.path(scope, unit, dropIn) }

    /// The ledger address: `unit:NAME`, `drop-in:NAME/FILE`, `user/` before user units.
    public var address: Address { Self.address(scope, unit, dropIn) }

    /// `path` of the file with these parts. For a list of thousands of files, read in place
    /// (`files[index].unit`): asking an element of the list for `path` copied the whole file,
    /// retaining its text, long out of the caches by then.
    public static func path(_ scope: UnitScope, _ unit: UnitName, _ dropIn: String?) -> HostPath {
      let folder = scope.folder
      guard let dropIn else { return folder.child(unit.rawValue) }
      return folder.child(unit.rawValue + ".d").child(dropIn)
    }

    /// `address` of the file with these parts (see `path(_:_:_:)`).
    public static func address(_ scope: UnitScope, _ unit: UnitName, _ dropIn: String?) -> Address {
      let prefix = scope == .user ? "user/" : ""
      guard let dropIn else { return Address("unit", prefix + unit.rawValue) }
      return Address("drop-in", prefix + unit.rawValue + "/" + dropIn)
    }
  }

  /// Whether a unit is enabled and (on a live host) running.
  public struct Activation: Sendable {
    public var scope: UnitScope
    public var unit: UnitName
    /// Enable: create the `[Install]` symlinks.
    public var enable: Bool
    /// Keep it running (live hosts only). Services a timer or path unit triggers are never
    /// started directly.
    public var start: Bool
    /// The `[Install]` section of the unit, read from its merged file.
    public var install: InstallSection
    /// Where this was declared.
    public var position: SourcePosition?
    /// The unit's file-system conditions, when reconcile can check them all.
    var conditions: [UnitCondition]? = []
    /// For a user unit: the user whose manager runs it (and is reloaded and asked to start it).
    public var user: String? = nil
    /// Changes of other plugins that must come before a start or restart.
    public var startAfter: [Address] = []

    /// `enablement:NAME` (with `user/` for user units).
    public var address: Address { Self.address(scope, unit) }

    /// `address` of the activation of `unit` (see `File.path(_:_:_:)`).
    public static func address(_ scope: UnitScope, _ unit: UnitName) -> Address {
      Address("enablement", (scope == .user ? "user/" : "") + unit.rawValue)
    }
  }

  public var files: [File] = []
  public var activations: [Activation] = []
}

extension UnsafeBufferPointer<DesiredUnits.File> {
  /// The path of the file at `index`, from its fields read in place: taking the file out of
  /// the list to ask it copied the whole file (see `DesiredUnits.File.path(_:_:_:)`).
  func path(at index: Int) -> HostPath {
    DesiredUnits.File.path(self[index].scope, self[index].unit, self[index].dropIn)
  }

  /// The address of the file at `index`, as `path(at:)`.
  func address(at index: Int) -> Address {
    DesiredUnits.File.address(self[index].scope, self[index].unit, self[index].dropIn)
  }
}
