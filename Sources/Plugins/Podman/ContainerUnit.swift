import Core

/// The systemd user units of a container: the service `podman generate systemd --new`
/// would write on podman 4.3 (see docs/podman.md for each line), made for one user with
/// `ConditionUser=`, and for a job its timer.
struct ContainerUnit {
  let container: Container

  init(_ container: Container) { self.container = container }

  /// The podman binary Debian installs.
  static let podman = "/usr/bin/podman"

  /// The units to install (user scope), for the units plugin.
  var generatedUnits: [GeneratedUnit] {
    let service = GeneratedUnit(
      scope: .user, name: container.serviceName, contents: Array(serviceText.utf8),
      enable: !container.isJob,
      user: container.user, origin: PodmanPlugin.origin, position: container.position,
      startAfter: [container.imageAddress])
    guard container.isJob else { return [service] }
    let timer = GeneratedUnit(
      scope: .user, name: container.timerName, contents: Array(timerText.utf8), enable: true,
      user: container.user, origin: PodmanPlugin.origin, position: container.position,
      startAfter: [container.imageAddress])
    return [service, timer]
  }

  /// The arguments of `podman run` after reconcile's own: the declaration's, in a fixed order.
  var runArguments: [String] {
    var words = ["--name", container.name]
    if let network = container.network { words.append("--network=\(network.argument)") }
    if container.keepID { words.append("--userns=keep-id") }
    if let runAs = container.runAs { words += ["--user", String(runAs)] }
    switch container.pull {
    case .missing: break
    case .always: words.append("--pull=always")
    case .never: words.append("--pull=never")
    }
    for (key, value) in container.environment { words += ["--env", "\(key)=\(value)"] }
    for volume in container.volumes { words += ["--volume", volume.argument] }
    for port in container.ports { words += ["--publish", port] }
    return words + container.podmanArguments + [container.image] + container.command
  }

  /// `ExecStart=` as `podman generate systemd` lays it out: one option a line.
  private func execStart(_ leading: [String]) -> String {
    var lines = ["ExecStart=\(Self.podman) run"]
    // reconcile's own words use specifiers (%t, %n) on purpose; the declaration's are quoted.
    let words = runArguments
    // An option and its separate value share a line, as podman lays them out.
    let paired: Set<String> = ["--name", "--env", "--volume", "--publish", "--user"]
    var items = leading
    var index = 0
    while index < words.count {
      if paired.contains(words[index]), index + 1 < words.count {
        items.append(
          SystemdQuoting.word(words[index]) + " " + SystemdQuoting.word(words[index + 1]))
        index += 2
      } else {
        items.append(SystemdQuoting.word(words[index]))
        index += 1
      }
    }
    lines += items.map { "\t" + $0 }
    return lines.joined(separator: " \\\n")
  }

  /// Lines saying where the unit comes from and what makes it change.
  private var header: [String] {
    var lines = [
      "# \(container.serviceName.rawValue)",
      "# Made by reconcile from the container declaration '\(container.name)': the unit",
      "# `podman generate systemd --new` gives (podman 4.3), for the user manager of "
        + "\(container.user) only.",
      "# Change the declaration, not this file.",
    ]
    if let archive = container.archive {
      // A new archive changes the unit, so the container restarts with the new image.
      lines.append("# Image archive \(archive.path) \(archive.fingerprint)")
    }
    return lines
  }

  /// The service: `Type=notify` with conmon's notification for a container kept running, a
  /// foreground `podman run` whose exit status is the unit's for a job.
  var serviceText: String {
    var lines =
      header + [
        "",
        "[Unit]",
        container.isJob
          ? "Description=Podman container job \(container.name) (rootless, user \(container.user))"
          : "Description=Podman container \(container.name) (rootless, user \(container.user))",
        "Documentation=man:podman-generate-systemd(1)",
        "ConditionUser=\(container.user)",
        "RequiresMountsFor=%t/containers",
        "",
        "[Service]",
        "Environment=PODMAN_SYSTEMD_UNIT=%n",
      ]
    if container.isJob {
      lines += [
        "Type=oneshot",
        "TimeoutStopSec=70",
        "ExecStartPre=/bin/rm -f %t/%n.ctr-id",
        execStart(["--cidfile=%t/%n.ctr-id", "--cgroups=no-conmon", "--rm", "--replace"]),
        "ExecStopPost=\(Self.podman) rm -f --ignore --cidfile=%t/%n.ctr-id",
      ]
      if let restart = container.restart, restart != "no" { lines.append("Restart=\(restart)") }
      return lines.joined(separator: "\n") + "\n"
    }
    lines += [
      "Restart=\(container.restart ?? "on-failure")",
      "TimeoutStopSec=70",
      "ExecStartPre=/bin/rm -f %t/%n.ctr-id",
      execStart([
        "--cidfile=%t/%n.ctr-id", "--cgroups=no-conmon", "--rm", "--sdnotify=conmon", "-d",
        "--replace",
      ]),
      "ExecStop=\(Self.podman) stop --ignore --cidfile=%t/%n.ctr-id",
      "ExecStopPost=\(Self.podman) rm -f --ignore --cidfile=%t/%n.ctr-id",
      "Type=notify",
      "NotifyAccess=all",
      "",
      "[Install]",
      "WantedBy=default.target",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// The job's timer, enabled in every user manager's `timers.target` and run by its user's.
  var timerText: String {
    var lines = [
      "# \(container.timerName.rawValue)",
      "# Made by reconcile: runs the podman container job '\(container.name)' as "
        + "\(container.user).",
      "",
      "[Unit]",
      "Description=Run the podman container job \(container.name)",
      "ConditionUser=\(container.user)",
      "",
      "[Timer]",
    ]
    lines += container.timer.map { "\($0.key)=\($0.value)" }
    lines += ["", "[Install]", "WantedBy=timers.target"]
    return lines.joined(separator: "\n") + "\n"
  }
}
