import Core

extension EmailPlugin {
  /// The script's owner and mode.
  static let scriptMode: UInt32 = 0o755

  public func plan(
    _ desired: DesiredEmail, observed: ObservedEmail, ledger: Ledger, host: HostFacts
  ) -> PluginPlan {
    var result = PluginPlan()
    let address = Address("file", Self.scriptPath.description)
    if let script = desired.script {
      planScript(script, address: address, observed: observed, ledger: ledger, into: &result)
      checkClient(desired, observed: observed, into: &result)
    }
    // A script reconcile wrote that is no longer wanted.
    for stale in ledger.addresses(of: name)
    where stale.kind == "file" && (desired.script == nil || stale != address) {
      guard let entry = ledger[stale], entry.created,
        let path = entry.facts["path"].flatMap(HostPath.init),
        let seen = observed.files[path]
      else {
        result.ledgerUpdates[stale] = .some(nil)
        continue
      }
      result.changes.append(
        Change(
          address: stale, action: .delete, cause: .prune, plugin: name,
          summary: "remove \(path) (created by reconcile, email is no longer declared)",
          diff: TextDiff.lines(from: seen.text, to: nil),
          payload: EmailPayload.script(path: path, contents: nil)))
    }
    return result
  }

  private func planScript(
    _ script: [UInt8], address: Address, observed: ObservedEmail, ledger: Ledger,
    into result: inout PluginPlan
  ) {
    let path = Self.scriptPath
    let fingerprint = EmailFingerprint.of(script, mode: Self.scriptMode, uid: 0, gid: 0)
    let seen = observed.files[path]
    let entry = ledger[address]
    guard
      let cause = ChangeClassifier.cause(
        declared: fingerprint, desired: fingerprint, observed: seen?.fingerprint, entry: entry)
    else {
      if entry?.applied != fingerprint || entry?.declared != fingerprint {
        result.ledgerUpdates[address] = scriptEntry(fingerprint, created: entry?.created ?? false)
      }
      return
    }
    if let seen, !seen.fingerprint.hasPrefix("sha256:") {
      result.diagnostics.error(
        "\(path) exists and is not a regular file; reconcile will not replace it",
        code: "host-conflict",
        notes: ["remove it by hand to let reconcile install the failure-email script there"])
      return
    }
    let text = String(decoding: script, as: UTF8.self)
    let sameText = seen?.text == text
    result.changes.append(
      Change(
        address: address, action: seen == nil ? .create : .update, cause: cause, plugin: name,
        summary: seen == nil
          ? "install the failure-email script (mode 0755, root)"
          : sameText
            ? "restore mode 0755 and owner root (\(cause.explanation))"
            : "replace the failure-email script (\(cause.explanation))",
        diff: TextDiff.lines(from: seen?.text, to: text),
        payload: EmailPayload.script(path: path, contents: text)))
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

  func scriptEntry(_ fingerprint: String, created: Bool) -> Ledger.Entry {
    Ledger.Entry(
      plugin: name, applied: fingerprint, declared: fingerprint, created: created,
      facts: ["path": Self.scriptPath.description])
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
