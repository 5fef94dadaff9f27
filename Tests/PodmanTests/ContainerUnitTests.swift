import Core
import Foundation
import TestSupport
import Testing

/// The units the podman plugin renders, byte for byte, installed under an offline root.
@Suite struct ContainerUnitTests {
  @Test("A service container renders the unit podman generate systemd --new would, for one user")
  func serviceUnit() throws {
    let repo = try PodmanRepository(
      role: """
        containers:
          bot:
            user: matrix
            image: localhost/bot:1
            command: [/bin/sh, -c, "echo \\"$HOME\\" 100% done"]
            environment: { GREETING: hello world, MODE: fast }
            volumes:
              - { volume: bot-data, target: /data }
              - { source: /srv/bot, target: /config, options: [ro, z] }
            ports: ["127.0.0.1:8080:80/tcp"]
            network: slirp4netns:allow_host_loopback=true
            userns: keep-id
            podman-arguments: [--memory=64m]

        """)
    let result = try repo.harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let expected = """
      # container-bot.service
      # Made by reconcile from the container declaration 'bot': the unit
      # `podman generate systemd --new` gives (podman 4.3), for the user manager of matrix only.
      # Change the declaration, not this file.

      [Unit]
      Description=Podman container bot (rootless, user matrix)
      Documentation=man:podman-generate-systemd(1)
      ConditionUser=matrix
      RequiresMountsFor=%t/containers

      [Service]
      Environment=PODMAN_SYSTEMD_UNIT=%n
      Restart=on-failure
      TimeoutStopSec=70
      ExecStartPre=/bin/rm -f %t/%n.ctr-id
      ExecStart=/usr/bin/podman run \\
      \t--cidfile=%t/%n.ctr-id \\
      \t--cgroups=no-conmon \\
      \t--rm \\
      \t--sdnotify=conmon \\
      \t-d \\
      \t--replace \\
      \t--name bot \\
      \t--network=slirp4netns:allow_host_loopback=true \\
      \t--userns=keep-id \\
      \t--env "GREETING=hello world" \\
      \t--env MODE=fast \\
      \t--volume bot-data:/data \\
      \t--volume /srv/bot:/config:ro,z \\
      \t--publish 127.0.0.1:8080:80/tcp \\
      \t--memory=64m \\
      \tlocalhost/bot:1 \\
      \t/bin/sh \\
      \t-c \\
      \t"echo \\"$$HOME\\" 100%% done"
      ExecStop=/usr/bin/podman stop --ignore --cidfile=%t/%n.ctr-id
      ExecStopPost=/usr/bin/podman rm -f --ignore --cidfile=%t/%n.ctr-id
      Type=notify
      NotifyAccess=all

      [Install]
      WantedBy=default.target

      """
    #expect(try repo.read("/etc/systemd/user/container-bot.service") == expected)
    // Enabled for every user's default.target (ConditionUser= picks matrix), root-owned, and
    // nothing written in the user's home.
    let link = try FileManager.default.destinationOfSymbolicLink(
      atPath: repo.root + "/etc/systemd/user/default.target.wants/container-bot.service")
    #expect(link == "/etc/systemd/user/container-bot.service")
    let attributes = try FileManager.default.attributesOfItem(
      atPath: repo.root + "/etc/systemd/user/container-bot.service")
    #expect(attributes[.ownerAccountID] as? Int == 0)
    #expect(!FileManager.default.fileExists(atPath: repo.root + "/var/lib/matrix/.config"))
  }

  @Test("A job is a oneshot service in the foreground, run by an enabled user timer")
  func jobUnits() throws {
    let repo = try PodmanRepository(
      role: """
        containers:
          report:
            user: reporter
            image: docker.io/library/busybox:1.36
            command: [/bin/sh, /config/report.sh]
            volumes: [{ source: /etc/report, target: /config, options: [ro] }]
            network: none
            schedule: "*-*-* 06:30:00"
            timer: { Persistent: true }

        """)
    let result = try repo.harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let service = try repo.read("/etc/systemd/user/container-report.service")
    #expect(
      service.contains(
        """
        [Service]
        Environment=PODMAN_SYSTEMD_UNIT=%n
        Type=oneshot
        TimeoutStopSec=70
        ExecStartPre=/bin/rm -f %t/%n.ctr-id
        ExecStart=/usr/bin/podman run \\
        \t--cidfile=%t/%n.ctr-id \\
        \t--cgroups=no-conmon \\
        \t--rm \\
        \t--replace \\
        \t--name report \\
        \t--network=none \\
        \t--volume /etc/report:/config:ro \\
        \tdocker.io/library/busybox:1.36 \\
        \t/bin/sh \\
        \t/config/report.sh
        ExecStopPost=/usr/bin/podman rm -f --ignore --cidfile=%t/%n.ctr-id

        """), "\(service)")
    #expect(!service.contains("-d \\") && !service.contains("[Install]"))
    #expect(
      try repo.read("/etc/systemd/user/container-report.timer")
        == """
        # container-report.timer
        # Made by reconcile: runs the podman container job 'report' as reporter.

        [Unit]
        Description=Run the podman container job report
        ConditionUser=reporter

        [Timer]
        OnCalendar=*-*-* 06:30:00
        Persistent=true

        [Install]
        WantedBy=timers.target

        """)
    let link = try? FileManager.default.destinationOfSymbolicLink(
      atPath: repo.root + "/etc/systemd/user/timers.target.wants/container-report.timer")
    #expect(link == "/etc/systemd/user/container-report.timer")
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(
        atPath: repo.root + "/etc/systemd/user/default.target.wants/container-report.service"))
        == nil)
  }

  @Test("A second apply changes and writes nothing; a changed declaration changes only the unit")
  func secondApplyIsANoOp() throws {
    let repo = try PodmanRepository(
      role:
        "containers:\n  bot: { user: matrix, image: localhost/bot:1, environment: { A: one } }\n",
      host: "roles: [app]\npodman: { runtime: crun }\n")
    try repo.harness.apply()
    #expect(try repo.read("/etc/containers/containers.conf").contains("runtime = \"crun\""))
    let before = try TreeSnapshot(repo.root)
    let second = try repo.harness.apply()
    #expect(second.plan.changes.isEmpty, "\(second.plan.changes.map(\.address))")
    #expect(second.writes == 0)
    #expect(try TreeSnapshot(repo.root).differences(from: before) == [])

    try repo.scratch.write(
      "repo/roles/app/role.yaml",
      "containers:\n  bot: { user: matrix, image: localhost/bot:1, environment: { A: two } }\n")
    let changed = try repo.harness.plan()
    #expect(changed.changes.map(\.address) == [Address("unit", "user/container-bot.service")])
    #expect(changed.changes.first?.diff.contains("+\t--env A=two \\") == true)
  }

  @Test("Removing a declaration disables and deletes its units; the user and its storage stay")
  func removal() throws {
    let repo = try PodmanRepository(
      role: "containers:\n  bot: { user: matrix, image: localhost/bot:1 }\n")
    try repo.harness.apply()
    try repo.scratch.write(
      "repo/roles/app/role.yaml",
      "users:\n  matrix: { home: /var/lib/matrix, subids: true, linger: true }\n")
    let removal = try repo.harness.apply()
    #expect(removal.report.succeeded)
    let removed = Set(removal.plan.changes.filter { $0.action == .delete }.map(\.address))
    #expect(
      removed == [
        Address("unit", "user/container-bot.service"),
        Address("enablement", "user/container-bot.service"),
      ])
    #expect(
      !FileManager.default.fileExists(atPath: repo.root + "/etc/systemd/user/container-bot.service")
    )
    #expect(FileManager.default.fileExists(atPath: repo.root + "/var/lib/matrix"))
  }
}

/// Container units get hardening like any other service, keeping what rootless podman needs.
@Suite struct ContainerHardeningTests {
  @Test("A hardening profile on a container unit becomes a user drop-in without what podman needs")
  func hardenedContainer() throws {
    let repo = try PodmanRepository(
      role: """
        containers:
          bot: { user: matrix, image: localhost/bot:1 }
        hardening:
          units:
            container-bot.service: { profile: strict }

        """)
    let result = try repo.harness.apply()
    #expect(result.report.succeeded, "\(result.report.failed)")
    let dropIn = try repo.read(
      "/etc/systemd/user/container-bot.service.d/50-reconcile-hardening.conf")
    #expect(dropIn.contains("ProtectSystem=strict"))
    for forbidden in ["PrivateNetwork=yes", "PrivateUsers=yes", "NoNewPrivileges=yes"] {
      #expect(!dropIn.contains(forbidden), "\(forbidden) in\n\(dropIn)")
    }
    #expect(!dropIn.contains("RestrictNamespaces=yes"))
  }
}
