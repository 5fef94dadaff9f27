import Foundation
import TestSupport
import Testing

/// Two runs at once, and shadow-utils by hand during a run, against a live host: the busy
/// lock and the account lock (`/etc/.pwd.lock`, shadow's `/etc/passwd.lock`...) hold.
@Suite(.tags(.system), .requiresTestBed, .serialized)
struct LiveConcurrencyTests {
  /// The folders a run could write: accounts and units, its state, linger, homes (the
  /// example's are in /var/lib: its top level is listed by `fingerprint`).
  static let touchable = ["/etc", "/var/lib/reconcile", "/var/lib/systemd/linger", "/home"]

  @Test("a second apply while one runs exits 75 at once and touches nothing")
  func aSecondApplyIsBusy() async throws {
    try await LiveHost.withExampleBed("busy-live") { bed in try await Self.busy(bed) }
  }

  static func busy(_ bed: TestBed) async throws {
    // All in one script inside the bed: the first run is stopped (SIGSTOP) as soon as it holds
    // the run lock and continued once the second has run (a few seconds, well inside sd-bus's
    // 25 s for a call in flight). One `exec`: Foundation's `Process` here reports the end of
    // one child late while another still runs, which would stretch the window.
    let apply = LiveHost.apply.joined(separator: " ")
    let script = """
      \(LiveHost.pidOf)
      fingerprint() {
        find "$@" -xdev -printf '%p %y %m %U:%G %i %s %T@\\n' 2>/dev/null | sort
        find /var/lib -maxdepth 1 -printf '%p %y %m %U:%G %i %T@\\n' | sort
      }
      \(apply) >/tmp/first.out 2>&1 &
      first=$!
      held=no
      for i in $(seq 1000); do
        if [ -e /var/lib/reconcile/lock ]; then
          ino=$(stat -c %i /var/lib/reconcile/lock)
          if grep -q "OFDLCK.*:$ino " /proc/locks; then
            first_pid=$(pid_of reconcile)
            kill -STOP $first_pid && held=yes && break
          fi
        fi
        sleep 0.01
      done
      [ $held = yes ] || { echo "the first run never held the lock"; exit 3; }
      # A shadow-utils command the stopped run had started runs on to its end (a process of
      # its own): wait until no child of the run is left but zombies, then fingerprint.
      child_running() {
        for stat in /proc/[0-9]*/stat; do
          line=$(cat "$stat" 2>/dev/null) || continue
          set -- ${line##*) }
          [ "$2" = "$first_pid" ] && [ "$1" != Z ] && return 0
        done
        return 1
      }
      for i in $(seq 1000); do child_running || break; sleep 0.01; done
      fingerprint "$@" >/tmp/before
      start=$(date +%s%N)
      \(apply) >/tmp/second.out 2>/tmp/second.err
      echo "second=$?"
      echo "milliseconds=$((($(date +%s%N) - start) / 1000000))"
      fingerprint "$@" >/tmp/after
      kill -CONT $(pid_of reconcile)
      wait $first
      echo "first=$?"
      """
    let output = try await bed.run(["sh", "-c", script, "sh"] + Self.touchable, timeout: 300)
    func value(_ key: String) -> Int? {
      output.split(separator: "\n").first { $0.hasPrefix(key + "=") }
        .flatMap { Int($0.dropFirst(key.count + 1)) }
    }
    let second = TestBed.Output(
      status: Int32(value("second") ?? -1), stdout: try await bed.run(["cat", "/tmp/second.out"]),
      stderr: try await bed.run(["cat", "/tmp/second.err"]))
    let before = try await bed.run(["cat", "/tmp/before"])
    let after = try await bed.run(["cat", "/tmp/after"])
    #expect(second.status == 75, "\(second)")
    #expect(second.stderr.contains("busy"), "\(second.stderr)")
    #expect(second.stdout.isEmpty, "nothing planned or applied: \(second.stdout)")
    let milliseconds = value("milliseconds") ?? .max
    #expect(milliseconds < 3000, "the second run exits at once: \(milliseconds) ms")
    #expect(before == after, "the second run changed: \(Self.changedLines(before, after))")
    #expect(!before.isEmpty)
    #expect(value("first") == 0, "the first run, continued, completes: \(output)")
    let plan = try await bed.exec(LiveHost.plan)
    #expect(plan.status == 0, "the host converged: \(plan)")
  }

  /// The paths whose lines differ between two fingerprints.
  static func changedLines(_ before: String, _ after: String) -> [String] {
    let old = Set(before.split(separator: "\n")), new = Set(after.split(separator: "\n"))
    let paths = old.symmetricDifference(new).map { line in
      String(line.split(separator: " ").first { $0.hasPrefix("/") } ?? line)
    }
    return Set(paths).sorted()
  }

  /// Adds users by hand, renames one's comment and joins each to debian-tor, in a loop until
  /// /tmp/stop exists (at most 150 times); logs what succeeded. System users: a regular one
  /// would take a subordinate range, and a few hundred of them would leave none for the
  /// example's containers.
  static let handLoop = """
    i=0
    while [ ! -e /tmp/stop ] && [ "$i" -lt 150 ]; do
      i=$((i + 1))
      useradd -r -M -U -d /nonexistent "hand$i" && echo "hand$i" >> /tmp/made
      usermod -c "changed $i" handbase && echo "changed $i" > /tmp/comment
      usermod -a -G debian-tor "hand$i" && echo "hand$i" >> /tmp/joined
    done
    """

  @Test(
    "useradd and usermod by hand in a loop during an apply: no update lost on either side",
    arguments: 1...3)
  func handEditsDuringApply(round: Int) async throws {
    try await LiveHost.withExampleBed("hands-live-\(round)") { bed in
      try await Self.handEdits(bed, round: round)
    }
  }

  static func handEdits(_ bed: TestBed, round: Int) async throws {
    // debian-tor exists (as the tor package makes it): reconcile adopts it and adds bitcoin
    // to the same /etc/group line the loop adds its users to.
    try await bed.run(["groupadd", "--system", "debian-tor"])
    try await bed.run(["useradd", "-r", "-M", "-U", "-d", "/nonexistent", "-c", "unchanged", "handbase"])
    let stock = try await LiveHost.stockComplaints(bed)
    try await bed.run(["rm", "-f", "/tmp/stop", "/tmp/made", "/tmp/joined", "/tmp/comment"])
    let loop = Task { try await bed.exec(["sh", "-c", Self.handLoop], timeout: 120) }
    // Let the loop get going, so the run's account writes meet it.
    try await bed.run(["sh", "-c", "for i in $(seq 100); do [ -s /tmp/made ] && exit 0; sleep 0.05; done; exit 1"])
    let apply = try await bed.exec(LiveHost.apply)
    let during = try await bed.run(["sh", "-c", "wc -l < /tmp/made"])
    try await bed.run(["touch", "/tmp/stop"])
    let looped = try await loop.value
    // The run plans the IDs of new accounts before it applies; a `useradd -r` by hand in
    // between can take one (or, since groupadd checks a GID before it takes the account lock,
    // share it). reconcile then makes or moves the account with a fresh ID: no failure.
    #expect(apply.status == 0, "\(apply)")
    let moved = apply.stdout.split(separator: "\n").filter { $0.contains("taken meanwhile") }
    print("round \(round): \(moved.count) accounts got a fresh ID: \(moved)")
    #expect(looped.succeeded, "every useradd and usermod by hand succeeded: \(looped)")
    let made = try await bed.run(["cat", "/tmp/made"]).split(separator: "\n").map(String.init)
    let joined = try await bed.run(["cat", "/tmp/joined"]).split(separator: "\n").map(String.init)
    let comment = try await bed.run(["cat", "/tmp/comment"]).trimmingCharacters(in: .newlines)
    print(
      "round \(round): \(made.count) users made by hand, \(during.trimmingCharacters(in: .whitespacesAndNewlines)) of them during the apply"
    )
    #expect(made.count >= 5, "the loop overlapped the run: \(made.count) users")
    let passwd = try await bed.run(["getent", "passwd"])
    let shadow = try await bed.run(["getent", "shadow"])
    let groups = try await bed.run(["getent", "group"])
    let gshadow = try await bed.run(["cat", "/etc/gshadow"])
    for user in made + ["handbase"] + LiveHost.users {
      #expect(passwd.contains("\n\(user):") || passwd.hasPrefix("\(user):"), "passwd: \(user)")
      #expect(shadow.contains("\n\(user):"), "shadow: \(user)")
      #expect(groups.contains("\n\(user):"), "group: \(user)")
      #expect(gshadow.contains("\n\(user):"), "gshadow: \(user)")
    }
    let tor = groups.split(separator: "\n").first { $0.hasPrefix("debian-tor:") } ?? ""
    let members = Set(
      (tor.split(separator: ":", omittingEmptySubsequences: false).last ?? "")
        .split(separator: ",").map(String.init))
    #expect(members.isSuperset(of: joined + ["bitcoin"]), "debian-tor: \(tor)")
    #expect(
      try await bed.run(["getent", "passwd", "handbase"]).contains(":\(comment):"),
      "the last comment set by hand, \(comment), is kept")
    #expect(try await LiveHost.accountProblems(bed, stock: stock) == [])
    let plan = try await bed.exec(LiveHost.plan)
    #expect(plan.status == 0, "the hand-made accounts are left alone: \(plan)")
  }
}
