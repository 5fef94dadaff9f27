import Core

extension UnitsPlugin {
  /// How long to wait for a start, restart or stop job.
  static let jobTimeout = 90.0

  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    switch try change.payload(as: UnitPayload.self) {
    case .file(let path, let contents?, let user, let reloadOnly):
      let bytes = Array(contents.utf8)
      try host.fs.write(path, bytes, mode: 0o644)
      let created = ledger[change.address]?.created ?? (change.cause != .adoption)
      ledger[change.address] = fileEntry(
        path, Fingerprint.of(bytes), created: created, user: user, reloadOnly: reloadOnly ?? false)
      return nil

    case .file(let path, nil, _, _):
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
      ledger[change.address] = operation == .stop ? nil : startedEntry
      return "\(unit) is \(status)"

    case .userReload(let user):
      guard host.systemd != nil else { return "no running systemd: nothing to reload" }
      guard let manager = try userManager(of: user, host: host) else {
        return "\(user) no longer exists: nothing to reload"
      }
      try manager.reload()
      return nil

    case .userActivation(let user, let unit, let operation):
      guard host.systemd != nil else { return "no running systemd: \(operation.rawValue) not done" }
      guard let manager = try userManager(of: user, host: host) else {
        guard operation == .stop else { throw UserManagerError(user: user, reason: "there is no such user") }
        return "\(user) no longer exists: nothing to stop"
      }
      let result: JobResult
      switch operation {
      case .start: result = try manager.start(unit, timeout: Self.jobTimeout)
      case .restart: result = try manager.restart(unit, timeout: Self.jobTimeout)
      case .stop: result = try manager.stop(unit, timeout: Self.jobTimeout)
      }
      let state = try? manager.states(of: [unit])[unit]
      let status = state.map { "\($0.activeState) (\($0.subState))" } ?? "unknown"
      guard result.succeeded, operation == .stop || state?.activeState != "failed" else {
        throw UnitActivationError(
          unit: unit, operation: operation.rawValue, result: result.result, status: status,
          user: user)
      }
      ledger[change.address] = operation == .stop ? nil : startedEntry
      return "\(unit) of \(user) is \(status)"
    }
  }

  /// How long to wait for a user's manager to come up after linger was enabled.
  static let userManagerTimeout = 30.0

  /// The running manager of `user`, waiting for it to start (logind starts `user@UID.service`
  /// when linger is enabled, without waiting for it); nil when the user does not exist.
  private func userManager(of user: String, host: Host) throws -> (any ServiceManager)? {
    guard let uid = try AccountFiles(fs: host.fs).passwd().entry(named: user)?.uid else { return nil }
    let manager = Polling.until(timeout: Self.userManagerTimeout) { host.userManager(uid) }
    guard let manager else {
      throw UserManagerError(
        user: user,
        reason: "its manager user@\(uid).service did not answer within \(Int(Self.userManagerTimeout)) s "
          + "(does it linger? see: loginctl user-status \(user))")
    }
    return manager
  }
}

/// A user's systemd manager could not be reached.
struct UserManagerError: Error, CustomStringConvertible {
  var user: String
  var reason: String
  var description: String { "cannot reach the systemd manager of \(user): \(reason)" }
}

/// A unit did not reach the expected state.
struct UnitActivationError: Error, CustomStringConvertible {
  var unit: UnitName
  var operation: String
  var result: String
  var status: String
  /// The user whose manager runs the unit, for user units.
  var user: String? = nil
  var description: String {
    guard let user else {
      return
        "\(operation) of \(unit) ended with '\(result)'; the unit is \(status) (see: systemctl status \(unit); journalctl -u \(unit))"
    }
    return "\(operation) of \(unit) in the manager of \(user) ended with '\(result)'; the unit is \(status) "
      + "(see: systemctl --user -M \(user)@ status \(unit); journalctl _UID=$(id -u \(user)) --user-unit \(unit))"
  }
}
