import Foundation
import TestSupport
import Testing

/// Rootless podman containers under their own users, in the booted bed: the example's
/// Matrix bot and node report job, keep-id bind mounts, and `reconcile exec`.
@Suite(.tags(.system), .requiresTestBed)
struct PodmanSystemTests {
  @Test(
    "The Matrix bot runs after one apply, stays on a second, restarts on a change, survives a reboot, and goes"
  )
  func matrixBot() async throws {
    try await withTestBed(name: "podman-bot") { bed in
      let podman = try await PodmanBed.example(bed)
      defer { podman.remove() }
      let first = try await podman.reconcile()
      #expect(first.status == 0, "\(first)")
      #expect(
        try await podman.userctl("matrix", ["is-active", "container-matrix-bot.service"]).trimmed
          == "active")
      let ps = try await podman.exec("matrix", ["podman", "ps"])
      #expect(
        ps.status == 0 && ps.stdout.contains("matrix-bot"),
        "reconcile exec matrix -- podman ps: \(ps)")
      let id = try #require(try await podman.containerID("matrix", "matrix-bot"))

      // Nothing under the container users' homes belongs to root.
      let rootOwned = try await bed.run([
        "find", "/var/lib/matrix", "/var/lib/node-report", "-user", "root",
      ])
      #expect(rootOwned.isEmpty, "written by root: \(rootOwned)")

      // A second apply changes nothing and leaves the container running as it was.
      let second = try await podman.reconcile()
      #expect(second.status == 0 && second.stdout.contains("No changes."), "\(second)")
      #expect(try await podman.containerID("matrix", "matrix-bot") == id)

      // A changed environment restarts the container with the new value.
      try podman.replace(
        "roles/matrix/role.yaml", "      BOT_STATE: /data\n",
        with: "      BOT_STATE: /data\n      GREETING: bonjour\n")
      try await podman.push()
      let changed = try await podman.reconcile()
      #expect(changed.status == 0, "\(changed)")
      #expect(
        changed.stdout.contains("activation:user/container-matrix-bot.service"), "\(changed.stdout)"
      )
      let restarted = try #require(try await podman.containerID("matrix", "matrix-bot"))
      #expect(restarted != id)
      let greeting = try await podman.exec(
        "matrix", ["podman", "exec", "matrix-bot", "sh", "-c", "echo $GREETING"])
      #expect(greeting.trimmed == "bonjour", "\(greeting)")

      // Linger starts matrix's manager at boot, and the manager the container.
      try await bed.reboot()
      #expect(try await podman.waitActive("matrix", "container-matrix-bot.service") == "active")
      #expect(try await podman.containerID("matrix", "matrix-bot") != nil)

      // Removed from the repository: stopped, disabled, unit and container gone, volume kept.
      let role = try String(
        contentsOf: podman.repository.appendingPathComponent("roles/matrix/role.yaml"),
        encoding: .utf8)
      try podman.write(
        "roles/matrix/role.yaml", String(role[..<role.range(of: "containers:")!.lowerBound]))
      try await podman.push()
      let removal = try await podman.reconcile()
      #expect(removal.status == 0, "\(removal)")
      let state = try await podman.userctl("matrix", ["is-active", "container-matrix-bot.service"])
        .trimmed
      #expect(state == "inactive" || state == "unknown", "\(state)")
      #expect(
        try await bed.exec(["test", "-e", "/etc/systemd/user/container-matrix-bot.service"]).status
          == 1)
      #expect(
        try await podman.exec("matrix", ["podman", "ps", "-a", "--format", "{{.Names}}"]).trimmed
          == "")
      let volumes = try await podman.exec(
        "matrix", ["podman", "volume", "ls", "--format", "{{.Name}}"])
      #expect(volumes.trimmed == "matrix-bot-data", "\(volumes)")
    }
  }

  @Test(
    "The node report job runs its container from its timer's service; the exit status is the unit's"
  )
  func nodeReportJob() async throws {
    try await withTestBed(name: "podman-job") { bed in
      let podman = try await PodmanBed.example(bed)
      defer { podman.remove() }
      try await bed.run([
        "sh", "-c",
        "mkdir -p /etc/node-report && printf 'echo report; exit 3\\n' > /etc/node-report/report.sh",
      ])
      let apply = try await podman.reconcile()
      #expect(apply.status == 0, "\(apply)")
      #expect(
        try await podman.userctl("node-report", ["is-active", "container-node-report.timer"])
          .trimmed == "active")
      #expect(
        try await podman.userctl("node-report", ["is-enabled", "container-node-report.timer"])
          .trimmed == "enabled")

      let failed = try await podman.userctl(
        "node-report", ["start", "container-node-report.service"])
      #expect(failed.status != 0)
      let result = try await podman.userctl(
        "node-report",
        ["show", "-p", "Result", "-p", "ExecMainStatus", "container-node-report.service"])
      #expect(
        result.stdout.contains("Result=exit-code") && result.stdout.contains("ExecMainStatus=3"),
        "\(result)")

      try await bed.run(["sh", "-c", "printf 'echo report\\n' > /etc/node-report/report.sh"])
      _ = try await podman.userctl("node-report", ["reset-failed", "container-node-report.service"])
      let succeeded = try await podman.userctl(
        "node-report", ["start", "container-node-report.service"])
      #expect(succeeded.status == 0, "\(succeeded)")
      let after = try await podman.userctl(
        "node-report", ["show", "-p", "Result", "container-node-report.service"])
      #expect(after.trimmed == "Result=success")
      // The job's container is gone after it ran (--rm).
      #expect(
        try await podman.exec("node-report", ["podman", "ps", "-a", "--format", "{{.Names}}"])
          .trimmed == "")
    }
  }

  @Test(
    "on-removal removes the container's own named volume and image as the user; shared ones stay"
  )
  func removalTakesVolumesAndImage() async throws {
    try await withTestBed(name: "podman-removal") { bed in
      let goner = """
          goner:
            user: keeper
            image: localhost/gone:1
            image-archive: files/gone.tar
            command: [/bin/sleep, "3600"]
            network: none
            volumes:
              - { volume: goner-data, target: /data }
              - { volume: shared, target: /shared }
            on-removal: { volumes: remove, image: remove }

        """
      let stayer = """
        containers:
          stayer:
            user: keeper
            image: localhost/tiny:1
            image-archive: files/tiny.tar
            command: [/bin/sleep, "3600"]
            network: none
            volumes: [{ volume: shared, target: /shared }]

        """
      let users = "users:\n  keeper: { home: /var/lib/keeper, subids: true, linger: true }\n"
      let podman = try await PodmanBed.custom(bed, role: users + stayer + goner)
      defer { podman.remove() }
      try await podman.image("roles/app/files/gone.tar", "localhost/gone:1", ["/bin/sh"])
      let apply = try await podman.reconcile(host: "box")
      #expect(apply.status == 0, "\(apply)")
      #expect(try await podman.waitActive("keeper", "container-goner.service") == "active")
      let before = try await podman.exec(
        "keeper", ["podman", "volume", "ls", "--format", "{{.Name}}"])
      #expect(before.stdout.split(separator: "\n").sorted() == ["goner-data", "shared"], "\(before)")

      try podman.write("roles/app/role.yaml", users + stayer)
      try await podman.push()
      let plan = try await podman.reconcile("plan", host: "box")
      #expect(plan.stdout.contains("- volume:keeper/goner-data"), "\(plan.stdout)")
      #expect(plan.stdout.contains("- image:goner"), "\(plan.stdout)")
      #expect(!plan.stdout.contains("volume:keeper/shared"), "\(plan.stdout)")
      let removal = try await podman.reconcile(host: "box")
      #expect(removal.status == 0, "\(removal)")
      let volumes = try await podman.exec(
        "keeper", ["podman", "volume", "ls", "--format", "{{.Name}}"])
      #expect(volumes.trimmed == "shared", "\(volumes)")
      let images = try await podman.exec(
        "keeper", ["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"])
      #expect(images.trimmed == "localhost/tiny:1", "\(images)")
      #expect(try await podman.containerID("keeper", "stayer") != nil)
      // Nothing root-owned was left in the user's storage, and the next run has nothing to do.
      #expect(try await bed.run(["find", "/var/lib/keeper", "-user", "root"]).isEmpty)
      let again = try await podman.reconcile(host: "box")
      #expect(again.status == 0 && again.stdout.contains("No changes."), "\(again)")
    }
  }

  @Test(
    "a no-op apply opens no image archive; one rebuilt with the same size and modification time is loaded"
  )
  func archivesAreReadOnlyWhenChanged() async throws {
    try await withTestBed(name: "podman-archive") { bed in
      let podman = try await PodmanBed.custom(
        bed,
        role: """
          users:
            holder: { home: /var/lib/holder, subids: true, linger: true }
          containers:
            holder:
              user: holder
              image: localhost/held:1
              image-archive: files/held.tar
              command: [/bin/sleep, "3600"]
              network: none

          """)
      defer { podman.remove() }
      let archive = "/srv/state/roles/app/files/held.tar"
      try await podman.image("roles/app/files/held.tar", "localhost/held:1", ["/bin/sleep", "3600"])
      let first = try await podman.reconcile(host: "box")
      #expect(first.status == 0, "\(first)")
      #expect(try await podman.waitActive("holder", "container-holder.service") == "active")
      let id = try await podman.containerID("holder", "holder")

      // Nothing to do: the archive is not even opened (its fingerprint is in the ledger).
      let traced = try await bed.exec(
        [
          "strace", "-f", "-qq", "-e", "trace=openat,open,stat,newfstatat", "-o", "/tmp/noop.trace",
          "reconcile", "apply", "--repo", "/srv/state", "--host", "box",
        ], timeout: 300)
      #expect(traced.status == 0 && traced.stdout.contains("No changes."), "\(traced)")
      let opened = try await bed.run(["sh", "-c", "grep held.tar /tmp/noop.trace || true"])
      #expect(!opened.contains("openat"), "the no-op run opened the archive: \(opened)")
      #expect(opened.contains("newfstatat"), "its identity was not even looked at: \(opened)")

      // Rebuilt with another command of the same length: same size; the modification time
      // is set back to the nanosecond. Only the status change time (and bytes) differ.
      let before = try await bed.run(["stat", "-c", "%s %.9Y", archive])
      try await podman.image("roles/app/files/held.tar", "localhost/held:1", ["/bin/sleep", "3601"])
      let mtime = String(before.split(separator: " ")[1].trimmingCharacters(in: .whitespacesAndNewlines))
      try await bed.run(["touch", "-m", "-d", "@" + mtime, archive])
      let after = try await bed.run(["stat", "-c", "%s %.9Y", archive])
      #expect(after == before, "size and modification time kept")
      let changed = try await podman.reconcile(host: "box")
      #expect(changed.status == 0, "\(changed)")
      #expect(changed.stdout.contains("image:holder"), "\(changed.stdout)")
      #expect(try await podman.waitActive("holder", "container-holder.service") == "active")
      let restarted = try await podman.containerID("holder", "holder")
      #expect(restarted != nil && restarted != id, "restarted with the new image")
      // The image in the user's storage is the rebuilt one (the container runs the declared
      // command, the image keeps its own).
      let command = try await podman.exec(
        "holder", ["podman", "image", "inspect", "--format", "{{.Config.Cmd}}", "localhost/held:1"])
      #expect(command.stdout.contains("3601"), "\(command)")
      let again = try await podman.reconcile(host: "box")
      #expect(again.status == 0 && again.stdout.contains("No changes."), "\(again)")
    }
  }

  @Test(
    "keep-id writes to a bind-mounted folder as the host user; a misowned bind mount is reported in plan"
  )
  func bindMounts() async throws {
    try await withTestBed(name: "podman-bind") { bed in
      let podman = try await PodmanBed.custom(
        bed,
        role: """
          users:
            writer: { home: /var/lib/writer, subids: true, linger: true }
          containers:
            writer:
              user: writer
              image: localhost/tiny:1
              image-archive: files/tiny.tar
              command: [/bin/sh, -c, "id -u > /out/who && touch /out/made"]
              userns: keep-id
              network: none
              volumes: [{ source: /srv/writer, target: /out }]
              schedule: daily
            trapped:
              user: writer
              image: localhost/tiny:1
              image-archive: files/tiny.tar
              network: none
              volumes: [{ source: /srv/root-owned, target: /out }]
              schedule: daily

          """)
      defer { podman.remove() }
      try await bed.run(["mkdir", "-p", "/srv/writer", "/srv/root-owned"])
      let apply = try await podman.reconcile(host: "box")
      #expect(apply.status == 0, "\(apply)")
      try await bed.run(["chown", "writer:writer", "/srv/writer"])
      let run = try await podman.userctl("writer", ["start", "container-writer.service"])
      #expect(run.status == 0, "\(run)")
      #expect(try await bed.run(["stat", "-c", "%U", "/srv/writer/made"]) == "writer\n")
      let uid = try await bed.run(["id", "-u", "writer"])
      #expect(
        try await bed.run(["cat", "/srv/writer/who"]) == uid, "the container saw the user's own UID"
      )

      let plan = try await podman.reconcile("plan", host: "box")
      #expect(
        plan.stderr.contains("bind mount /srv/root-owned of container 'trapped' is owned by UID 0"),
        "\(plan)")
      #expect(!plan.stderr.contains("/srv/writer of container"), "\(plan.stderr)")
    }
  }
}
