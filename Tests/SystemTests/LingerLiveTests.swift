import Foundation
import TestSupport
import Testing

/// Linger on a real systemd, through logind (`SetUserLinger`): asking for it starts the
/// user's manager at once, without a login or a reboot; no longer asking for it (a linger
/// reconcile enabled) ends it, and the manager with it.
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct LingerLiveTests {
  @Test("linger starts the user's manager at once; taking it back stops the manager")
  func lingerThroughLogind() async throws {
    try await withTestBed(name: "linger") { bed in
      let repository = try await PodmanBed.custom(
        bed, role: "users:\n  lingerer: { home: /var/lib/lingerer, linger: true }\n")
      defer { repository.remove() }
      let first = try await repository.reconcile(host: "box")
      #expect(first.status == 0, "\(first)")
      let uid = try await bed.run(["id", "-u", "lingerer"]).trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(try await bed.exec(["test", "-e", "/var/lib/systemd/linger/lingerer"]).succeeded)
      #expect(try await bed.exec(["systemctl", "is-active", "user@\(uid).service"]).trimmed == "active")
      #expect(try await repository.reconcile("plan", host: "box").status == 0, "nothing left to do")

      try repository.write("roles/app/role.yaml", "users:\n  lingerer: { home: /var/lib/lingerer }\n")
      try await repository.push()
      let second = try await repository.reconcile(host: "box")
      #expect(second.status == 0, "\(second)")
      #expect(second.stdout.contains("- linger:lingerer"), "\(second.stdout)")
      #expect(!(try await bed.exec(["test", "-e", "/var/lib/systemd/linger/lingerer"]).succeeded))
      // logind stops a manager with no session once its user no longer lingers.
      var state = ""
      for _ in 0..<60 {
        state = try await bed.exec(["systemctl", "is-active", "user@\(uid).service"]).trimmed
        if state == "inactive" { break }
        try await Task.sleep(for: .milliseconds(500))
      }
      #expect(state == "inactive")
      #expect(try await repository.reconcile("plan", host: "box").status == 0, "nothing left to do")
    }
  }
}
