import Core
import Foundation
import TestSupport
import Testing

/// Validation of `containers:` and `podman:`, and what a container implies.
@Suite struct PodmanDeclarationTests {
  @Test("Every mistake is reported at once with its file and line")
  func validationErrors() throws {
    let repo = try PodmanRepository(
      role: """
        containers:
          -bad:
            user: matrix
            image: localhost/x:1
          bot:
            user: Matrix
            image: busybox
            volumes:
              - { source: relative/path, target: /data }
              - { source: /srv/../etc, target: /data }
              - { volume: data, target: /data, options: [rw, bogus] }
            ports: ["70000:80", "8080:80/icmp"]
            network: bridge
            userns: auto
            restart: sometimes
            environment: { "1BAD": x, GOOD: "two\\nlines" }
            podman-arguments: [--name=other]
            image-archive: files/missing.tar
            colour: red
          job:
            user: jobber
            image: localhost/job:1
            timer: { OnCalender: daily }

        """)
    let errors = repo.loadErrors()
    let file = "roles/app/role.yaml"
    let expected: [(Int, String)] = [
      (2, "container name '-bad' is invalid"),
      (6, "the user name 'Matrix'"),
      (7, "image 'busybox' is not fully qualified"),
      (9, "volume source 'relative/path' must be an absolute host path"),
      (10, "volume source '/srv/../etc' must be an absolute host path"),
      (11, "unknown volume option 'bogus'"),
      (12, "port '70000:80' must be"),
      (12, "port '8080:80/icmp' has an unknown protocol"),
      (13, "network of container 'bot' is 'bridge'"),
      (14, "userns of container 'bot' is 'auto'"),
      (15, "restart of container 'bot' is 'sometimes'"),
      (16, "environment variable name '1BAD'"),
      (16, "environment variable GOOD of container 'bot' holds a line break"),
      (17, "podman-arguments of container 'bot' set --name"),
      (18, "image-archive roles/app/files/missing.tar cannot be read"),
      (19, "unknown key 'colour' in container 'bot'"),
      (23, "unknown [Timer] directive 'OnCalender'"),
      (23, "has no On...= directive"),
    ]
    for (line, text) in expected {
      #expect(
        errors.contains { $0.hasPrefix("\(file):\(line):") && $0.contains(text) },
        "no error at line \(line) containing \(text) in:\n\(errors.joined(separator: "\n"))")
    }
    #expect(errors.count == expected.count, "\(errors.joined(separator: "\n"))")
  }

  @Test("A container declared by two layers is an error naming both")
  func duplicate() throws {
    let repo = try PodmanRepository(
      role: "containers:\n  bot: { user: matrix, image: localhost/bot:1 }\n",
      host: "roles: [app]\ncontainers:\n  bot: { user: matrix, image: localhost/bot:2 }\n")
    let errors = repo.loadErrors()
    #expect(
      errors.contains {
        $0.contains("container 'bot' is declared by both role 'app' and host 'box'")
      }, "\(errors)")
  }

  @Test("A container implies its user, subordinate IDs and linger, and the plan shows them")
  func impliedAccounts() throws {
    let repo = try PodmanRepository(
      role: "containers:\n  bot: { user: botuser, image: localhost/bot:1 }\n")
    let plan = try repo.harness.plan()
    let addresses = plan.changes.map(\.address)
    for address in [
      Address("user", "botuser"), Address("subids", "botuser"), Address("linger", "botuser"),
    ] {
      #expect(addresses.contains(address), "\(addresses)")
    }
    let user = try #require(plan.changes.first { $0.address == Address("user", "botuser") })
    #expect(user.diff.contains("+home: /var/lib/botuser"))
    // The user comes before its ranges and linger, all before nothing of podman's needs them
    // offline (no image is loaded on an offline root: a limitation says so).
    #expect(plan.limitations.contains { $0.contains("only on the running host") })
  }

  @Test("A container's user keeps the subordinate ID count its declaration gives")
  func containerUserKeepsItsCount() throws {
    // The podman plugin's request (no count) comes before the users plugin's (4096): the
    // given count wins whichever asks first.
    let repo = try PodmanRepository(
      role: """
        users:
          botuser: { home: /var/lib/botuser, subids: { count: 4096 }, linger: true }
        containers:
          bot: { user: botuser, image: localhost/bot:1 }

        """)
    #expect(repo.loadErrors().isEmpty, "\(repo.loadErrors())")
    let plan = try repo.harness.plan()
    let subids = try #require(plan.changes.first { $0.address == Address("subids", "botuser") })
    #expect(subids.diff.joined().contains("botuser:100000:4096"), "\(subids.diff)")
  }

  @Test("An existing containers.conf is taken over only when the declaration adopts it")
  func configurationAdoption() throws {
    let repo = try PodmanRepository(
      role: "containers:\n  bot: { user: matrix, image: localhost/bot:1 }\n",
      host: "roles: [app]\npodman: { runtime: crun }\n")
    try repo.scratch.write("root/etc/containers/containers.conf", "[engine]\nruntime = \"runc\"\n")
    let refused = try repo.harness.plan()
    #expect(
      refused.diagnostics.contains {
        $0.severity == .error && $0.message.contains("reconcile did not create it")
      })
    try repo.scratch.write(
      "repo/hosts/box.yaml",
      "roles: [app]\npodman: { runtime: crun, adopt-containers-conf: true }\n")
    let adopted = try repo.harness.apply()
    let change = try #require(
      adopted.plan.changes.first { $0.address == Address("podman-config", "containers.conf") })
    #expect(change.cause == .adoption)
    #expect(change.diff.contains("-runtime = \"runc\""))
    #expect(try repo.read("/etc/containers/containers.conf").contains("runtime = \"crun\""))
  }

  @Test(
    "A writable bind mount not owned by the ID the container writes as is reported with the owner it needs"
  )
  func misownedBindMount() throws {
    let repo = try PodmanRepository(
      role: """
        users:
          matrix: { home: /var/lib/matrix, subids: true, linger: true }
        containers:
          bot:
            user: matrix
            image: localhost/bot:1
            volumes:
              - { source: /srv/owned-by-root, target: /data }
              - { source: /srv/read-only, target: /config, options: [ro] }
          keep:
            user: matrix
            image: localhost/bot:1
            userns: keep-id
            run-as: 0
            volumes: [{ source: /srv/owned-by-root, target: /data }]
          imageuser:
            user: matrix
            image: localhost/bot:1
            run-as: 1000
            volumes: [{ source: /srv/owned-by-root, target: /data }]

        """)
    try repo.harness.apply()
    for folder in ["srv/owned-by-root", "srv/read-only"] {
      try FileManager.default.createDirectory(
        atPath: repo.scratch.join("root/" + folder), withIntermediateDirectories: true)
    }
    let plan = try repo.harness.plan()
    let uid = try #require(
      try AccountFiles(fs: RootedFileSystem(root: repo.root)).passwd().entry(named: "matrix")?.uid)
    let warnings = plan.diagnostics.filter { $0.code == "bind-mount-owner" }
    #expect(warnings.count == 3, "\(plan.diagnostics)")
    #expect(
      warnings.contains {
        $0.message.contains("container 'bot'") && $0.message.contains("as UID \(uid) on the host")
      })
    #expect(
      warnings.contains {
        $0.message.contains("container 'keep'") && $0.message.contains("as UID \(uid) on the host")
      })
    // Image user 1000 is subordinate UID start + 999 (matrix's range starts at 100000).
    #expect(
      warnings.contains {
        $0.message.contains("container 'imageuser'") && $0.message.contains("as UID 100999")
      })
    #expect(warnings.allSatisfy { $0.position?.file == "roles/app/role.yaml" })
    #expect(!plan.diagnostics.contains { $0.message.contains("/srv/read-only") })
  }
}
