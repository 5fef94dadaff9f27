import CSystemd
import Core

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SystemdManagerClient {
  /// Reads the runtime state of each unit without making the manager load any: one
  /// `Manager.ListUnitsByPatterns` names the units systemd has loaded (it walks the loaded
  /// units only), then one `Properties.GetAll` per loaded unit reads its state. Asking an
  /// unloaded unit's object path would load it, making PID 1 parse its files on every run
  /// only to collect it again; such a unit cannot be active, so it is reported `inactive`
  /// (`dead`) with an empty load and unit-file state. A template (`foo@.service`) has no
  /// runtime state: only its `unitFileState` is read (`Manager.GetUnitFileState`). Each batch
  /// is sent before its first reply is read: two round trips in all. Changes nothing.
  public func states(of units: [UnitName]) throws -> [UnitName: UnitRuntimeState] {
    guard !units.isEmpty else { return [:] }
    return try session.withLock { session throws(SystemdError) in
      let connection = session.connection
      let instances = units.filter { !$0.isTemplate }
      let templates = units.filter(\.isTemplate)
      var first: [(message: BusMessage, call: String, subject: String)] = []
      // Patterns match with FNM_NOESCAPE; a unit name has no other glob character.
      let list = try connection.methodCall(Self.destination, Self.path, Self.interface, "ListUnitsByPatterns")
      try list.append([String]())
      try list.append(instances.map(\.rawValue))
      first.append((list, "Manager.ListUnitsByPatterns", "\(instances.count) units"))
      for unit in templates {
        let message = try connection.methodCall(Self.destination, Self.path, Self.interface, "GetUnitFileState")
        try message.append(unit.rawValue)
        first.append((message, "Manager.GetUnitFileState", unit.rawValue))
      }
      let replies = try connection.callAll(first)
      let loaded = try Self.loadedUnits(from: try replies[0].get())
      var states: [UnitName: UnitRuntimeState] = [:]
      for (unit, reply) in zip(templates, replies.dropFirst()) {
        states[unit] = UnitRuntimeState(
          loadState: "", activeState: "", subState: "", unitFileState: try reply.get().readString(),
          invocationID: "")
      }
      var second: [(message: BusMessage, call: String, subject: String)] = []
      var asked: [UnitName] = []
      for unit in instances {
        guard loaded.contains(unit.rawValue) else {
          states[unit] = UnitRuntimeState(
            loadState: "", activeState: "inactive", subState: "dead", unitFileState: "", invocationID: "")
          continue
        }
        let message = try connection.methodCall(
          Self.destination, try Self.objectPath(of: unit), "org.freedesktop.DBus.Properties", "GetAll")
        try message.append("org.freedesktop.systemd1.Unit")
        second.append((message, "Properties.GetAll", unit.rawValue))
        asked.append(unit)
      }
      for (unit, reply) in zip(asked, try connection.callAll(second)) {
        states[unit] = try Self.state(from: try reply.get())
      }
      return states
    }
  }

  /// The names in a `ListUnitsByPatterns` reply (`a(ssssssouso)`: name, description, load,
  /// active and sub state, followed unit, object path, job id, type and path).
  static func loadedUnits(from reply: BusMessage) throws(SystemdError) -> Set<String> {
    var names: Set<String> = []
    _ = try reply.enter("a", "(ssssssouso)")
    while try reply.enter("r", "ssssssouso") {
      names.insert(try reply.readString())
      try reply.skip("sssssouso")
      try reply.exit()
    }
    try reply.exit()
    return names
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
