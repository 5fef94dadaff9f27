import Core

extension EmailPlugin {
  /// The script's owner and mode.
  static let scriptMode: UInt32 = 0o755

  public func plan(
    _ desired: DesiredEmail, observed: ObservedEmail, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    for script in desired.scripts {
      planScript(script, observed: observed, ledger: ledger, into: &result)
    }
    if desired.declared { checkClient(desired, observed: observed, into: &result) }
    for spool in desired.spools {
      planSpool(spool, observed: observed, ledger: ledger, into: &result)
    }
    let wanted = Set(
      desired.scripts.map { Self.address(of: $0.path) }
        + desired.spools.map { Self.address(of: $0) })
    // Scripts and spool folders reconcile made that are no longer wanted.
    for stale in ledger.addresses(of: name) where !wanted.contains(stale) {
      guard let entry = ledger[stale], entry.created,
        let path = entry.facts["path"].flatMap(HostPath.init)
      else {
        result.ledgerUpdates[stale] = .some(nil)
        continue
      }
      if stale.kind == "folder" {
        guard let seen = observed.folders?[path] else {
          result.ledgerUpdates[stale] = .some(nil)
          continue
        }
        let reports = seen.entries == 0 ? "" : " and the \(seen.entries) report(s) left in it"
        result.changes.append(
          Change(
            address: stale, action: .delete, cause: .prune, plugin: name,
            summary: "remove the spool folder \(path)\(reports) (no watched unit of "
              + "\(entry.facts["user"] ?? "its user") left)",
            payload: EmailPayload.spool(path: path, user: nil)))
        continue
      }
      guard let seen = observed.files[path] else {
        result.ledgerUpdates[stale] = .some(nil)
        continue
      }
      result.changes.append(
        Change(
          address: stale, action: .delete, cause: .prune, plugin: name,
          summary: "remove \(path) (created by reconcile, no longer needed by email)",
          diff: TextDiff.lines(from: seen.text, to: nil),
          payload: EmailPayload.script(path: path, contents: nil)))
    }
    return result
  }

  /// The ledger address of a script.
  static func address(of path: HostPath) -> Address { Address("file", path.description) }

  /// The ledger address of a spool folder.
  static func address(of spool: DesiredEmail.Spool) -> Address {
    Address("folder", spool.path.description)
  }

  private func planScript(
    _ script: DesiredEmail.Script, observed: ObservedEmail, ledger: Ledger,
    into result: inout PluginPlan
  ) {
    let path = script.path
    let address = Self.address(of: path)
    let fingerprint = EmailFingerprint.of(script.contents, mode: Self.scriptMode, uid: 0, gid: 0)
    let seen = observed.files[path]
    guard
      let cause = result.cause(
        of: address, fingerprint: fingerprint, observed: seen?.fingerprint, ledger: ledger,
        record: { scriptEntry(path, fingerprint, created: $0) })
    else { return }
    if let seen, !seen.fingerprint.hasPrefix("sha256:") {
      result.diagnostics.error(
        "\(path) exists and is not a regular file; reconcile will not replace it",
        code: "host-conflict",
        notes: ["remove it by hand to let reconcile install the failure-email script there"])
      return
    }
    let text = String(decoding: script.contents, as: UTF8.self)
    let sameText = seen?.text == text
    result.changes.append(
      Change(
        address: address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
        summary: seen == nil
          ? "install the failure-email script \(path.name) (mode 0755, root)"
          : sameText
            ? "restore mode 0755 and owner root (\(cause.explanation))"
            : "replace the failure-email script \(path.name) (\(cause.explanation))",
        diff: TextDiff.lines(from: seen?.text, to: text),
        payload: EmailPayload.script(path: path, contents: text)))
  }

  /// A user's spool folder: the user writes reports, the notifier's group reads and removes
  /// them. Made after both accounts exist.
  private func planSpool(
    _ spool: DesiredEmail.Spool, observed: ObservedEmail, ledger: Ledger,
    into result: inout PluginPlan
  ) {
    let address = Self.address(of: spool)
    let fingerprint = EmailFingerprint.folder(
      mode: Self.spoolMode, user: spool.user, group: Self.userName)
    let seen = observed.folders?[spool.path]
    guard
      let cause = result.cause(
        of: address, fingerprint: fingerprint, observed: seen?.fingerprint, ledger: ledger,
        record: { spoolEntry(spool, fingerprint, created: $0) })
    else { return }
    if let seen, !seen.fingerprint.hasPrefix("folder ") {
      result.diagnostics.error(
        "\(spool.path) exists and is not a folder; reconcile will not replace it",
        code: "host-conflict",
        notes: ["remove it by hand to let reconcile make the failure-email spool of \(spool.user)"])
      return
    }
    let want = "mode 2770, owner \(spool.user), group \(Self.userName)"
    result.changes.append(
      Change(
        address: address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
        summary: seen == nil
          ? "make the failure-email spool folder of \(spool.user) (\(want))"
          : "restore \(want) (\(cause.explanation))",
        diff: seen.map { ["-\($0.fingerprint)", "+\(fingerprint)"] } ?? ["+\(fingerprint)"],
        dependsOn: [
          Address("user", spool.user), Address("user", Self.userName),
          Address("group", Self.userName),
        ],
        payload: EmailPayload.spool(path: spool.path, user: spool.user)))
  }

  /// The client configuration holds credentials: it must be a root-only file. Refused (an
  /// error) when reconcile can see that it is not; a warning when it is missing.
  private func checkClient(
    _ desired: DesiredEmail, observed: ObservedEmail, into result: inout PluginPlan
  ) {
    if let config = desired.clientConfig {
      let path = config.value
      if let status = observed.clientConfig {
        if !status.regular {
          result.diagnostics.error(
            "the email client configuration \(path) is not a regular file", at: config.position,
            code: "email-config")
        } else if status.mode & 0o077 != 0 || status.uid != 0 {
          var problems: [String] = []
          if status.uid != 0 { problems.append("owned by UID \(status.uid), not root") }
          if status.mode & 0o077 != 0 {
            problems.append("mode \(String(status.mode, radix: 8)) lets others read it")
          }
          result.diagnostics.error(
            "the email client configuration \(path) holds credentials but is "
              + "\(problems.joined(separator: " and "))",
            at: config.position, code: "email-config-exposed",
            notes: [
              "chown root:root \(path) && chmod 600 \(path); the notifier gets it as a "
                + "systemd credential"
            ])
        }
      } else {
        result.diagnostics.warning(
          "the email client configuration \(path) does not exist on this host: failure mail "
            + "cannot be sent until it does",
          at: config.position, code: "email-config-missing",
          notes: [
            "create it root-owned with mode 600 (it holds the mail account's credentials; "
              + "never in the repository)"
          ])
      }
    }
    if let client = desired.client {
      if let status = observed.client, status.regular, status.mode & 0o111 != 0 { return }
      result.diagnostics.warning(
        "the email client \(client) is not installed (or not executable) on this host: "
          + "failure mail cannot be sent",
        at: desired.position, code: "email-client-missing",
        notes: ["for msmtp: apt-get install msmtp"])
    }
  }

  func scriptEntry(_ path: HostPath, _ fingerprint: String, created: Bool) -> Ledger.Entry {
    Ledger.Entry(
      plugin: name, applied: fingerprint, declared: fingerprint, created: created,
      facts: ["path": path.description])
  }

  func spoolEntry(_ spool: DesiredEmail.Spool, _ fingerprint: String, created: Bool)
    -> Ledger.Entry
  {
    Ledger.Entry(
      plugin: name, applied: fingerprint, declared: fingerprint, created: created,
      facts: ["path": spool.path.description, "user": spool.user])
  }
}

extension Change.Cause {
  /// A few words for summaries.
  var explanation: String {
    switch self {
    case .new: return "new"
    case .changed: return "changed in the repository"
    case .drift: return "changed on the host; reverting"
    case .conflict: return "changed in the repository and on the host"
    case .prune: return "no longer declared"
    case .adoption: return "existing file taken over"
    case .consequence: return "follows from other changes"
    }
  }
}
