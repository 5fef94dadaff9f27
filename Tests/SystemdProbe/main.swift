// systemd-probe: drives SystemdBus from inside the test bed and prints one JSON object.
// Used by Tests/SystemdBusTests; not part of the product.
//
//   systemd-probe [--user UID | --system-bus | --machine USER | --address ADDR client|direct]
//                 COMMAND ARGS... [+ COMMAND ARGS...]   (several commands on one connection)
//     state UNIT...            runtime states, call counts and seconds taken
//     reload | enable UNIT... | disable UNIT...
//     start|restart|stop UNIT [TIMEOUT]
//     linger UID on|off
//     journal KEY=VALUE...
import Core
import FoundationEssentials
import SystemdBus

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the probe prints.
struct Output: Encodable {
  var states: [String: UnitRuntimeState]?
  var result: String?
  var changingCalls: Int?
  var methodCalls: Int?
  var seconds: Double?
  var error: String?
}

func emit(_ output: Output) {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  print(String(decoding: try! encoder.encode(output), as: UTF8.self))
}

func units(_ names: ArraySlice<String>) throws -> [UnitName] {
  try names.map { name in
    guard let unit = UnitName(name) else { throw ProbeError(UnitName.problem(with: name)!) }
    return unit
  }
}

struct ProbeError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

func monotonicSeconds() -> Double {
  var spec = timespec()
  clock_gettime(CLOCK_MONOTONIC, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Runs the commands (separated by `+`) on one client, printing one line each; stops at the
/// first error.
func runAll(_ arguments: [String]) throws {
  var args = arguments[...]
  var connect: () throws -> SystemdManagerClient = { try SystemdManagerClient.system() }
  if args.first == "--user", args.count > 1, let uid = UInt32(args[args.startIndex + 1]) {
    connect = { try SystemdManagerClient.user(uid: uid) }
    args = args.dropFirst(2)
  } else if args.first == "--address", args.count > 2 {
    let (address, client) = (args[args.startIndex + 1], args[args.startIndex + 2] == "client")
    connect = {
      SystemdManagerClient(connection: try .connect(address: address, isBusClient: client))
    }
    args = args.dropFirst(3)
  } else if args.first == "--machine", args.count > 1 {
    let user = args[args.startIndex + 1]
    connect = { SystemdManagerClient(connection: try .userBusThroughMachine(user: user)) }
    args = args.dropFirst(2)
  } else if args.first == "--system-bus" {
    connect = { SystemdManagerClient(connection: try BusConnection.system()) }
    args = args.dropFirst()
  }
  var client: SystemdManagerClient? = nil
  for command in args.split(separator: "+") {
    emit(try run(command, client: &client, connect: connect))
  }
}

/// Runs one command, connecting on the first one that needs the manager.
func run(
  _ command: ArraySlice<String>, client connected: inout SystemdManagerClient?,
  connect: () throws -> SystemdManagerClient
) throws -> Output {
  var args = command
  guard let command = args.popFirst() else { throw ProbeError("no command") }
  var output = Output()
  switch command {
  case "linger":
    guard args.count == 2, let uid = UInt32(args.first!) else {
      throw ProbeError("linger UID on|off")
    }
    try LoginClient().setLinger(uid: uid, enabled: args.last == "on")
    return output
  case "journal":
    let fields = args.map { field -> (String, String) in
      let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
    try Journal.send(fields: fields)
    return output
  default:
    break
  }
  let client = try connected ?? connect()
  connected = client
  let start = monotonicSeconds()
  switch command {
  case "state":
    let states = try client.states(of: try units(args))
    output.states = Dictionary(uniqueKeysWithValues: states.map { ($0.key.rawValue, $0.value) })
  case "reload":
    try client.reload()
  case "enable":
    try client.enable(try units(args))
  case "disable":
    try client.disable(try units(args))
  case "start", "restart", "stop":
    guard let unit = try units(args.prefix(1)).first else { throw ProbeError("no unit") }
    let timeout = args.count > 1 ? Double(args.last!) ?? 30 : 30
    let result =
      switch command {
      case "start": try client.start(unit, timeout: timeout)
      case "restart": try client.restart(unit, timeout: timeout)
      default: try client.stop(unit, timeout: timeout)
      }
    output.result = result.result
  default:
    throw ProbeError("unknown command \(command)")
  }
  output.seconds = monotonicSeconds() - start
  output.changingCalls = client.changingCalls
  output.methodCalls = client.methodCalls
  return output
}

do {
  try runAll(Array(CommandLine.arguments.dropFirst()))
} catch {
  emit(Output(error: "\(error)"))
  exit(1)
}
