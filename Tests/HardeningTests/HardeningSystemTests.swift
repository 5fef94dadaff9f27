import Testing

/// SKELETON, waiting for the booted test bed (scripts/testbed and TestSupport's TestBed, which
/// are not in this branch). Once they are merged, each test does, inside the bed:
///
/// 1. `everyExampleUnitStartsWithItsProfile`: apply state-repo-example for gemini (all
///    plugins, live systemd); for bitcoind, lightningd, report and lightning-backup, install a
///    stand-in program at the `ConditionPathExists=` path (a shell script that does the unit's
///    job: listens on a loopback port, writes its state file, copies the channel file), start
///    the unit (or its timer's/path's service) and expect it active or exited with status 0,
///    its job done (the file written), and the hardening drop-in loaded
///    (`systemctl show -p DropInPaths`).
/// 2. `liveScoreAgreesWithOfflineScore`: for each of them, `systemd-analyze security UNIT` on
///    the running bed prints the overall exposure the plan note showed after the apply.
///
/// Enabling these without writing them fails on purpose.
@Suite(.disabled("needs the booted test bed (scripts/testbed), not yet merged into this branch"))
struct HardeningSystemTests {
  @Test func everyExampleUnitStartsWithItsProfile() {
    Issue.record("not written yet: needs the test bed")
  }

  @Test func liveScoreAgreesWithOfflineScore() {
    Issue.record("not written yet: needs the test bed")
  }
}
