import Core
import TestSupport
import Testing

@testable import Podman

/// `on-removal:`: what goes with a container once its declaration is gone, planned from what
/// the ledger recorded while it was declared. The podman plugin's plan alone, against a live
/// host's facts written out here (podman runs only on a live host).
@Suite struct PodmanRemovalTests: PodmanPlanning {
  static let bot = """
      bot:
        user: matrix
        image: localhost/bot:1
        volumes:
          - { volume: bot-data, target: /data }
          - { volume: shared, target: /shared }
          - { volume: found, target: /found }
          - { source: /srv/bot, target: /config }
        on-removal: { volumes: remove, image: remove }

    """
  static let other = """
      other:
        user: matrix
        image: localhost/other:1
        volumes: [{ volume: shared, target: /shared }]

    """

  @Test("While declared, the ledger records the named volumes its declaration creates")
  func recordsWhileDeclared() throws {
    let plan = plugin.plan(
      try desired(Self.bot + Self.other), observed: observed(volumes: ["found"], images: []),
      ledger: Ledger(), host: facts)
    let entry = try #require(recorded(plan)[Address("container", "bot")])
    // `found` was in the storage before reconcile ran the container; the bind mount is a host
    // folder, never podman's to remove.
    #expect(entry.facts["volumes"] == "bot-data shared")
    #expect(entry.facts["remove-volumes"] == "yes" && entry.facts["remove-image"] == "yes")
    let other = try #require(recorded(plan)[Address("container", "other")])
    #expect(other.facts["remove-volumes"] == nil && other.facts["remove-image"] == nil)
    #expect(!plan.changes.contains { $0.action == .delete })
  }

  @Test("Once removed, its own volumes and image are removed after its unit stopped, as the user")
  func removesWhatItDeclared() throws {
    let declared = plugin.plan(
      try desired(Self.bot + Self.other), observed: observed(volumes: ["found"], images: []),
      ledger: Ledger(), host: facts)
    let ledger = recorded(declared)
    let storage = observed(
      volumes: ["bot-data", "found", "shared"], images: ["localhost/bot:1", "localhost/other:1"])
    let plan = plugin.plan(try desired(Self.other), observed: storage, ledger: ledger, host: facts)

    let deletions = plan.changes.filter { $0.action == .delete }
    #expect(
      deletions.map(\.address) == [Address("volume", "matrix/bot-data"), Address("image", "bot")])
    let volume = try #require(deletions.first)
    #expect(volume.cause == .prune)
    #expect(volume.summary.contains("`podman volume rm`"), "\(volume.summary)")
    #expect(volume.after.contains(Address("activation", "user/container-bot.service")))
    #expect(volume.dependsOn.contains(Address("user", "matrix")))
    guard
      case .removeVolume(let user, let name, let containers) = try volume.payload(
        as: PodmanPayload.self)
    else {
      Issue.record("not a volume removal: \(volume.payload)")
      return
    }
    #expect(user == "matrix" && name == "bot-data" && containers == ["bot"])
    #expect(deletions[1].summary.contains("`podman image rm`"))
    // `shared` stays: `other` still mounts it.
    #expect(plan.notes.contains { $0.contains("volume shared") && $0.contains("'other'") })

    // Applying records each removal; once both are done the entry is gone.
    var after = recorded(plan, on: ledger)
    #expect(after[Address("container", "bot")]?.facts["volumes"] == "bot-data")
    PodmanPlugin.recordRemoval(of: .volume("bot-data"), containers: ["bot"], ledger: &after)
    #expect(after[Address("container", "bot")] != nil)
    PodmanPlugin.recordRemoval(of: .image, containers: ["bot"], ledger: &after)
    #expect(after[Address("container", "bot")] == nil)
  }

  @Test("The default keeps volumes and image: removal only forgets the container")
  func defaultKeeps() throws {
    let declared = plugin.plan(
      try desired(Self.other), observed: observed(volumes: [], images: []), ledger: Ledger(),
      host: facts)
    let plan = plugin.plan(
      try desired(""), observed: observed(volumes: ["shared"], images: ["localhost/other:1"]),
      ledger: recorded(declared), host: facts)
    #expect(plan.changes.isEmpty, "\(plan.changes.map(\.summary))")
    #expect(plan.ledgerUpdates[Address("container", "other")] == .some(nil))
  }

  @Test("An image another declared container of the same user runs is kept")
  func sharedImageKept() throws {
    let twin = Self.other.replacingOccurrences(of: "localhost/other:1", with: "localhost/bot:1")
    let declared = plugin.plan(
      try desired(Self.bot + twin), observed: observed(volumes: [], images: []),
      ledger: Ledger(), host: facts)
    let plan = plugin.plan(
      try desired(twin), observed: observed(volumes: ["bot-data"], images: ["localhost/bot:1"]),
      ledger: recorded(declared), host: facts)
    #expect(!plan.changes.contains { $0.address.kind == "image" })
    #expect(plan.notes.contains { $0.contains("image localhost/bot:1") && $0.contains("'other'") })
    #expect(plan.changes.contains { $0.address == Address("volume", "matrix/bot-data") })
  }

  @Test("What is already gone is not removed again, and an offline root waits for the host")
  func goneAndOffline() throws {
    let declared = plugin.plan(
      try desired(Self.bot), observed: observed(volumes: [], images: []), ledger: Ledger(),
      host: facts)
    let ledger = recorded(declared)
    let gone = plugin.plan(
      try desired(""), observed: observed(volumes: [], images: []), ledger: ledger, host: facts)
    #expect(gone.changes.isEmpty)
    #expect(gone.ledgerUpdates[Address("container", "bot")] == .some(nil))

    var offline = observed(volumes: ["bot-data"], images: ["localhost/bot:1"])
    offline.live = false
    let waiting = plugin.plan(try desired(""), observed: offline, ledger: ledger, host: facts)
    #expect(waiting.changes.isEmpty)
    #expect(waiting.ledgerUpdates[Address("container", "bot")] == nil, "the entry is kept")
    #expect(waiting.limitations.contains { $0.contains("removed container 'bot'") })
  }

  @Test("on-removal takes keep or remove for volumes and image, nothing else")
  func validation() throws {
    let repo = try PodmanRepository(
      role: """
        containers:
          bot:
            user: matrix
            image: localhost/bot:1
            on-removal: { volumes: delete, images: remove }

        """)
    let errors = repo.loadErrors()
    #expect(errors.contains { $0.contains("use keep or remove") }, "\(errors)")
    #expect(errors.contains { $0.contains("images") }, "\(errors)")
  }
}
