import Core

extension UnitsPlugin {
  /// How long to wait for a start, restart or stop job.
  static let jobTimeout = 90.0

  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    switch try change.payload(as: UnitPayload.self) {
    case .file(let path, let contents?):
      let bytes = Array(contents.utf8)
      try host.fs.write(path, bytes, mode: 0o644)
      let created = ledger[change.address]?.created ?? (change.cause != .adoption)
      ledger[change.address] = fileEntry(path, Fingerprint.of(bytes), created: created)
      return nil

    case .file(let path, nil):
      try host.fs.remove(path)
      if change.address.kind == "drop-in" { try host.fs.removeFolderIfEmpty(path.parent) }
      ledger[change.address] = nil
      return nil

    case .enablement(let scope, let unit, let add, let remove, let enable):
      if let systemd = host.systemd, scope == .system {
        if enable {
          try systemd.enable([unit])
        } else {
          try systemd.disable([unit])
        }
      }
      for link in remove {
        try host.fs.remove(link.path)
        try host.fs.removeFolderIfEmpty(link.path.parent)
      }
      if host.systemd == nil || scope == .user {
        for link in add { try host.fs.symlink(link.path, to: link.target) }
      }
      if enable {
        ledger[change.address] = enablementEntry(add, created: ledger[change.address]?.created ?? true)
      } else {
        ledger[change.address] = nil
      }
      return nil

    case .reload:
      guard let systemd = host.systemd else { return "no running systemd: nothing to reload" }
      try systemd.reload()
      return nil

    case .activation(let unit, let operation):
      guard let systemd = host.systemd else { return "no running systemd: \(operation.rawValue) not done" }
      let result: JobResult
      switch operation {
      case .start: result = try systemd.start(unit, timeout: Self.jobTimeout)
      case .restart: result = try systemd.restart(unit, timeout: Self.jobTimeout)
      case .stop: result = try systemd.stop(unit, timeout: Self.jobTimeout)
      }
      let state = try? systemd.states(of: [unit])[unit]
      let status = state.map { "\($0.activeState) (\($0.subState))" } ?? "unknown"
      guard result.succeeded, operation == .stop || state?.activeState != "failed" else {
        throw UnitActivationError(unit: unit, operation: operation.rawValue, result: result.result, status: status)
      }
      return "\(unit) is \(status)"
    }
  }
}

/// A unit did not reach the expected state.
struct UnitActivationError: Error, CustomStringConvertible {
  var unit: UnitName
  var operation: String
  var result: String
  var status: String
  var description: String {
    "\(operation) of \(unit) ended with '\(result)'; the unit is \(status) (see: systemctl status \(unit); journalctl -u \(unit))"
  }
}
