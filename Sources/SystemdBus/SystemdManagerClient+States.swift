import CSystemd
import Core

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SystemdManagerClient {
  /// The unit properties `states(of:)` reads.
  static let stateProperties: Set<String> = [
    "LoadState", "ActiveState", "SubState", "UnitFileState", "InvocationID", "NeedDaemonReload",
  ]

  /// Reads the runtime state of each unit: one `Properties.GetAll` per unit on its object
  /// path (which loads the unit if needed), all sent before the first reply is read, so the
  /// whole read costs one round trip of latency. A template (`foo@.service`) has no runtime
  /// state: only its `unitFileState` is read (`Manager.GetUnitFileState`), the rest is empty.
  /// Changes nothing. `org.freedesktop.DBus.Properties.GetAll`
  public func states(of units: [UnitName]) throws -> [UnitName: UnitRuntimeState] {
    guard !units.isEmpty else { return [:] }
    return try session.withLock { session throws(SystemdError) in
      let connection = session.connection
      var requests: [(message: BusMessage, call: String, subject: String)] = []
      for unit in units {
        if unit.isTemplate {
          let message = try connection.methodCall(
            Self.destination, Self.path, Self.interface, "GetUnitFileState")
          try message.append(unit.rawValue)
          requests.append((message, "Manager.GetUnitFileState", unit.rawValue))
        } else {
          let message = try connection.methodCall(
            Self.destination, try Self.objectPath(of: unit), "org.freedesktop.DBus.Properties",
            "GetAll")
          try message.append("org.freedesktop.systemd1.Unit")
          requests.append((message, "Properties.GetAll", unit.rawValue))
        }
      }
      let replies = try connection.callAll(requests)
      var states: [UnitName: UnitRuntimeState] = [:]
      for (unit, reply) in zip(units, replies) {
        if unit.isTemplate {
          states[unit] = UnitRuntimeState(
            loadState: "", activeState: "", subState: "",
            unitFileState: try reply.get().readString(), invocationID: "")
        } else {
          states[unit] = try Self.state(from: try reply.get())
        }
      }
      return states
    }
  }

  /// The manager's object path for `unit`, e.g. `/org/freedesktop/systemd1/unit/a_2eservice`.
  /// `sd_bus_path_encode`
  static func objectPath(of unit: UnitName) throws(SystemdError) -> String {
    var path: UnsafeMutablePointer<CChar>? = nil
    try check(
      "sd_bus_path_encode", unit.rawValue,
      sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.rawValue, &path))
    defer { free(path) }
    return String(cString: path!)
  }

  /// Picks the state properties out of a `GetAll` reply (`a{sv}`), skipping the others.
  static func state(from reply: BusMessage) throws(SystemdError) -> UnitRuntimeState {
    var state = UnitRuntimeState(
      loadState: "", activeState: "", subState: "", unitFileState: "", invocationID: "")
    _ = try reply.enter("a", "{sv}")
    while try reply.enter("e", "sv") {
      let name = try reply.readString()
      switch name {
      case "LoadState", "ActiveState", "SubState", "UnitFileState":
        _ = try reply.enter("v", "s")
        let value = try reply.readString()
        try reply.exit()
        switch name {
        case "LoadState": state.loadState = value
        case "ActiveState": state.activeState = value
        case "SubState": state.subState = value
        default: state.unitFileState = value
        }
      case "NeedDaemonReload":
        _ = try reply.enter("v", "b")
        state.needsReload = try reply.readBool()
        try reply.exit()
      case "InvocationID":
        _ = try reply.enter("v", "ay")
        let bytes = try reply.readBytes()
        try reply.exit()
        state.invocationID = hex(bytes)
      default:
        try reply.skip("v")
      }
      try reply.exit()
    }
    try reply.exit()
    return state
  }

  /// 32 lowercase hex digits for a 128-bit ID; empty for no ID (absent or all zero).
  static func hex(_ bytes: [UInt8]) -> String {
    guard bytes.contains(where: { $0 != 0 }) else { return "" }
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
  }
}
