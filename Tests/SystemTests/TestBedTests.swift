import Foundation
import TestSupport
import Testing

/// The test bed itself: it boots a real systemd, runs commands, and leaves nothing behind.
@Suite(.tags(.system), .requiresTestBed)
struct TestBedTests {
  @Test("a booted bed reaches running or degraded")
  func bootsASystem() async throws {
    try await withTestBed(name: "boot") { bed in
      let state = try await bed.exec(["systemctl", "is-system-running"])
      #expect(["running", "degraded"].contains(state.trimmed), "\(state)")
      let hostname = try await bed.run(["hostname"])
      #expect(hostname.trimmingCharacters(in: .whitespacesAndNewlines) == bed.name)
      let journal = try await bed.journal()
      #expect(journal.contains("Reached target multi-user.target"))
    }
  }

  @Test("exec passes exit status, stdin and stdout through")
  func execPassesThrough() async throws {
    try await withTestBed(name: "exec") { bed in
      let failed = try await bed.exec(["sh", "-c", "echo out; echo err >&2; exit 3"])
      #expect(failed == TestBed.Output(status: 3, stdout: "out\n", stderr: "err\n"))
      let echoed = try await bed.exec(["cat"], input: Array("fed in".utf8))
      #expect(echoed.stdout == "fed in")
      let killed = try await bed.exec(["sleep", "30"], timeout: 1)
      #expect(killed.status == 124, "timeout's SIGTERM must reach the command")
    }
  }

  @Test("copyIn puts a file inside with its mode")
  func copiesFilesIn() async throws {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("testbed-copy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let file = scratch.appendingPathComponent("tool")
    try Data("#!/bin/sh\necho from the host\n".utf8).write(to: file)
    try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: file.path)
    try await withTestBed(name: "copy") { bed in
      try await bed.copyIn(file.path, to: "/opt/new/dir/tool")
      #expect(try await bed.run(["stat", "-c", "%a %U", "/opt/new/dir/tool"]) == "750 root\n")
      #expect(try await bed.run(["/opt/new/dir/tool"]) == "from the host\n")
    }
  }

  @Test("enabling linger through logind starts the user's manager without a reboot")
  func lingerStartsUserManager() async throws {
    try await withTestBed(name: "linger") { bed in
      try await bed.run(["useradd", "--create-home", "lingerer"])
      let uid = try await bed.run(["id", "-u", "lingerer"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
      let unit = "user@\(uid).service"
      #expect(try await bed.exec(["systemctl", "is-active", unit]).trimmed == "inactive")
      try await bed.run(["loginctl", "enable-linger", "lingerer"])
      let state = try await bed.exec([
        "sh", "-c",
        "for i in $(seq 100); do systemctl is-active --quiet \"$1\" && break; sleep 0.1; done;"
          + " systemctl is-active \"$1\"",
        "sh", unit,
      ])
      #expect(state.trimmed == "active", "\(state)")
      #expect(try await bed.exec(["test", "-S", "/run/user/\(uid)/bus"]).succeeded)
    }
  }

  @Test("each bed runs in a cgroup of its own, removed at poweroff")
  func bedsHaveTheirOwnCgroups() async throws {
    // Beds that shared one cgroup tree shared their units' cgroups too (the same
    // user@996.service/app.slice/... in every bed of the example), and one bed's stops and
    // kills disturbed another's units.
    var paths: [String] = []
    try await withTestBed(name: "cgroup-a") { first in
      try await withTestBed(name: "cgroup-b") { second in
        for bed in [first, second] {
          let path = try Self.hostCgroup(ofInitOf: bed)
          #expect(path.hasPrefix("/reconcile-testbed/\(bed.name)/"), "\(bed.name): \(path)")
          paths.append(path)
        }
      }
    }
    #expect(paths.count == 2 && paths[0] != paths[1])
    for path in paths {
      let bedGroup = path.split(separator: "/").prefix(2).joined(separator: "/")
      for hierarchy in ["/sys/fs/cgroup", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"] {
        #expect(!FileManager.default.fileExists(atPath: "\(hierarchy)/\(bedGroup)"), "\(hierarchy)/\(bedGroup) is left")
      }
    }
  }

  /// The cgroup (v2 or hybrid's unified line, else name=systemd) of the bed's init, as the
  /// host sees it; the init is the one the script recorded in `init.pid` at boot.
  static func hostCgroup(ofInitOf bed: TestBed) throws -> String {
    let initPID = try String(contentsOfFile: bed.directory + "/init.pid", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let lines = try String(contentsOfFile: "/proc/\(initPID)/cgroup", encoding: .utf8).split(separator: "\n")
    let line = try #require(
      lines.first { $0.hasPrefix("0::") && $0 != "0::/" } ?? lines.first { $0.contains(":name=systemd:") })
    return String(line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)[2])
  }

  @Test("poweroff stops nspawn and removes the bed, also when the test body throws")
  func poweroffLeavesNothing() async throws {
    struct Planned: Error {}
    var directory = ""
    var nspawn = ""
    await #expect(throws: Planned.self) {
      try await withTestBed(name: "poweroff") { bed in
        directory = bed.directory
        nspawn = try String(contentsOfFile: bed.directory + "/nspawn.pid", encoding: .utf8)
          .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(FileManager.default.fileExists(atPath: "/proc/\(nspawn)"))
        throw Planned()
      }
    }
    #expect(!directory.isEmpty && !nspawn.isEmpty)
    let cmdline = (try? String(contentsOfFile: "/proc/\(nspawn)/cmdline", encoding: .utf8)) ?? ""
    #expect(!cmdline.contains(directory), "systemd-nspawn \(nspawn) still runs")
    #expect(!FileManager.default.fileExists(atPath: directory))
    let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
    #expect(!mounts.contains(directory))
  }
}

/// The release binary, built with a static Swift runtime, runs inside a bed.
@Suite(.tags(.system), .requiresTestBed)
struct ReconcileInTestBedTests {
  @Test("the static reconcile binary finds its libraries in the bed and runs")
  func reconcileRuns() async throws {
    try await withTestBed(name: "binary") { bed in
      try await bed.installReconcile()
      let libraries = try await bed.run(["ldd", "/usr/local/bin/reconcile"])
      #expect(!libraries.contains("not found"), "\(libraries)")
      for library in ["libgit2.so.1.5", "libsystemd.so.0"] {
        #expect(libraries.contains("\(library) => /"), "\(library) from the bed's packages")
      }
      #expect(!libraries.contains("libswiftCore"), "the Swift runtime should be static")
      let run = try await bed.exec(["reconcile", "--help"])
      #expect(run.succeeded, "\(run)")
    }
  }
}
