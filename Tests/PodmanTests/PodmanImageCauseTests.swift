import Core
import Testing

@testable import Podman

/// Why the plan loads or pulls an image that is not in the user's storage: new, unless the
/// ledger says reconcile had put it there (then someone removed it: drift). A claim a killed
/// run appended to the ledger's journal before it got to the image is its own unfinished
/// work: new, not drift (the live kill walk found this: the next run exited 4).
@Suite struct PodmanImageCauseTests: PodmanPlanning {
  static let bot = """
      bot:
        user: matrix
        image: localhost/bot:1

    """
  let address = Address("image", "bot")

  /// The change the plan makes for the image when the storage holds `images`.
  func imageChange(ledger: Ledger, images: [String] = []) throws -> Change? {
    let plan = plugin.plan(
      try desired(Self.bot), observed: observed(volumes: [], images: images), ledger: ledger,
      host: facts)
    return plan.changes.first { $0.address == address }
  }

  /// The ledger after a complete run: the image pulled and recorded.
  func pulled() throws -> Ledger {
    let plan = plugin.plan(
      try desired(Self.bot), observed: observed(volumes: [], images: ["localhost/bot:1"]),
      ledger: Ledger(), host: facts)
    return recorded(plan)
  }

  @Test func anImageNeverPulledIsNew() throws {
    let change = try #require(try imageChange(ledger: Ledger()))
    #expect(change.cause == .new && change.action == .create)
  }

  @Test func anImageRemovedBehindReconcilesBackIsDrift() throws {
    let ledger = try pulled()
    #expect(ledger[address] != nil)
    let change = try #require(try imageChange(ledger: ledger))
    #expect(change.cause == .drift)
  }

  @Test func anImageAKilledRunClaimedButNeverPulledIsNew() throws {
    var ledger = Ledger()
    ledger[address] = .interrupted(plugin: "podman")
    let change = try #require(try imageChange(ledger: ledger))
    #expect(change.cause == .new && change.action == .create)
  }

  @Test func anImageAKilledRunPulledIsRecordedWithNoChange() throws {
    var ledger = Ledger()
    ledger[address] = .interrupted(plugin: "podman")
    let plan = plugin.plan(
      try desired(Self.bot), observed: observed(volumes: [], images: ["localhost/bot:1"]),
      ledger: ledger, host: facts)
    #expect(!plan.changes.contains { $0.address == address })
    #expect(recorded(plan, on: ledger)[address]?.interrupted != true)
  }
}
