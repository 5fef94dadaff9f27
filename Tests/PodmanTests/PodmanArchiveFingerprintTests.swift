import Core
import Foundation
import SystemCalls
import TestSupport
import Testing

@testable import Podman

/// A container's image archive is hashed only when the fingerprint the ledger recorded with
/// the file's identity no longer applies: a no-op run reads no archive, a changed archive is
/// still seen, and the recorded identity alone never makes a run write the ledger.
@Suite struct PodmanArchiveFingerprintTests: PodmanPlanning {
  static let role = """
    containers:
      bot:
        user: matrix
        image: localhost/bot:1
        image-archive: files/bot.tar

    """
  static let path = "roles/app/files/bot.tar"
  let address = Address("image", "bot")

  /// The repository with an archive of `bytes`, aged past a 100 ms racy window.
  func repository(_ bytes: [UInt8]) throws -> PodmanRepository {
    let repo = try PodmanRepository(role: Self.role)
    _ = try repo.scratch.sub("repo/roles/app/files")
    try Data(bytes).write(to: URL(fileURLWithPath: repo.scratch.join("repo/" + Self.path)))
    usleep(150_000)
    return repo
  }

  /// The tree of the repository, with a window tests can wait out.
  func tree(_ repo: PodmanRepository) -> DirectoryTree {
    DirectoryTree(path: repo.repository, racyWindow: 100_000_000)
  }

  /// The podman plugin's desired state, decoded with `ledger`'s recorded fingerprints.
  func decode(_ repo: PodmanRepository, ledger: Ledger) throws -> DesiredPodman {
    var diagnostics = Diagnostics()
    let loaded = try #require(
      repo.harness.engine.load(
        tree: tree(repo), host: "box", recorded: RecordedFingerprints(ledger: ledger),
        diagnostics: &diagnostics),
      "\(diagnostics.errors)")
    var contributions = Contributions()
    return plugin.decode(loaded.declarations, contributions: &contributions, diagnostics: &diagnostics)
  }

  /// A ledger whose image entry records `fingerprint` of the archive.
  func ledger(recording fingerprint: FileFingerprint) -> Ledger {
    var entry = Ledger.Entry(
      plugin: "podman", applied: fingerprint.sha256, declared: fingerprint.sha256, created: true,
      facts: ["user": "matrix", "image": "localhost/bot:1"])
    entry.facts.record(fingerprint, of: Self.path)
    var ledger = Ledger()
    ledger[address] = entry
    return ledger
  }

  @Test("an archive whose identity is unchanged is not read: the recorded fingerprint is used")
  func unchangedArchiveIsNotRead() throws {
    let repo = try repository(Array(repeating: 1, count: 8192))
    let identity = try tree(repo).identity(of: Self.path)
    #expect(identity != nil)
    // A fingerprint no read of the file could give.
    let marked = FileFingerprint(sha256: "sha256:recorded", size: 8192, identity: identity)
    let container = try #require(try decode(repo, ledger: ledger(recording: marked)).containers.first)
    #expect(container.archive?.fingerprint == "sha256:recorded")
    #expect(container.archive?.file == marked)
    // The unit names the fingerprint, so a new archive restarts the container.
    let unit = try #require(
      ContainerUnit(container).generatedUnits.first { $0.name == container.serviceName })
    #expect(
      String(decoding: unit.contents, as: UTF8.self).contains(
        "# Image archive \(Self.path) sha256:recorded"))
  }

  @Test("an archive changed in place, same size and modification time, is read and planned")
  func changedArchiveIsSeen() throws {
    let repo = try repository(Array(repeating: 1, count: 8192))
    let first = try #require(try decode(repo, ledger: Ledger()).containers.first?.archive?.file)
    guard case .stamp(let stamp)? = first.identity else {
      Issue.record("no stamp for an archive older than the window: \(first)")
      return
    }
    let changed = Array(repeating: UInt8(2), count: 8192)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: repo.scratch.join("repo/" + Self.path)))
    try handle.write(contentsOf: Data(changed))
    try handle.close()
    // The modification time set back to the nanosecond (`utimensat`): size and time alike.
    let folder = try Descriptor.open(
      repo.scratch.join("repo/roles/app/files"), flags: OpenFlags.readOnly | OpenFlags.directory)
    try folder.setTimes(of: "bot.tar", accessed: stamp.modified, modified: stamp.modified)
    guard case .stamp(let now)? = try tree(repo).identity(of: Self.path) else { return }
    #expect(now.size == stamp.size && now.modified == stamp.modified)

    let desired = try decode(repo, ledger: ledger(recording: first))
    let archive = try #require(desired.containers.first?.archive)
    #expect(archive.fingerprint == "sha256:" + SHA256.hex(changed))
    // The image is in the storage, but not the archive now declared: loaded again.
    let plan = plugin.plan(
      desired, observed: observed(volumes: [], images: ["localhost/bot:1"]),
      ledger: ledger(recording: first), host: facts)
    let change = try #require(plan.changes.first { $0.address == address })
    #expect(change.cause == .changed)
    #expect(change.diff == ["+localhost/bot:1 from \(archive.fingerprint)"])
  }

  @Test("a new identity for the same bytes writes nothing; a record written anyway carries it")
  func identityAloneWritesNothing() throws {
    let repo = try repository(Array(repeating: 1, count: 8192))
    let desired = try decode(repo, ledger: Ledger())
    let file = try #require(desired.containers.first?.archive?.file)
    let stale = FileFingerprint(sha256: file.sha256, size: file.size, identity: .blob("0123"))
    let observed = observed(volumes: [], images: ["localhost/bot:1"])
    let plan = plugin.plan(desired, observed: observed, ledger: ledger(recording: stale), host: facts)
    #expect(plan.changes.isEmpty)
    #expect(plan.ledgerUpdates[address] == nil)
    // Found in the storage with no entry yet: the entry written records the identity.
    let first = plugin.plan(desired, observed: observed, ledger: Ledger(), host: facts)
    let entry = try #require(first.ledgerUpdates[address] ?? nil)
    #expect(entry.facts["file-fingerprint"] == file.description)
    #expect(entry.facts["file"] == Self.path)
  }

  @Test("a plan's JSON names the archive by path, fingerprint and size, not its identity")
  func planJSONHasNoIdentity() throws {
    let repo = try repository(Array(repeating: 1, count: 8192))
    let desired = try decode(repo, ledger: Ledger())
    let plan = plugin.plan(desired, observed: observed(volumes: [], images: []), ledger: Ledger(), host: facts)
    let change = try #require(plan.changes.first { $0.address == address })
    let json = Plan(host: "box", source: "repo", changes: [change]).json()
    #expect(json.contains("\"fingerprint\" : \"sha256:"))
    #expect(!json.contains("stat:"))
    #expect(!json.contains("\"file\""))
  }
}
