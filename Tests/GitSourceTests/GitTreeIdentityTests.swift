import Core
import GitSource
import TestSupport
import Testing

/// A file's identity in a commit is its blob id: exact, free, and the same in every commit
/// that keeps the bytes.
@Suite("GitTree: file identities are blob ids")
struct GitTreeIdentityTests {
  @Test("the identity is the blob id git gives; reading hands back the bytes and the same id")
  func identityIsBlobID() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let archive = String(repeating: "archive bytes ", count: 5000)
    let first = try remote.commit(
      "Archive", files: ["hosts/gemini.yaml": "{}\n", "roles/bot/files/bot.tar": archive],
      signer: nil)
    let blob = try run(["git", "rev-parse", "HEAD:roles/bot/files/bot.tar"], in: remote.path)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    // Another commit keeping the archive, and one changing it in place, same size.
    let second = try remote.commit("Other", files: ["hosts/gemini.yaml": "{ }\n"], signer: nil)
    let changed = String(repeating: "ARCHIVE BYTES ", count: 5000)
    let third = try remote.commit("Changed", files: ["roles/bot/files/bot.tar": changed], signer: nil)
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "main")
    _ = try mirror.fetch()

    let tree = try GitTree(mirror: mirror, commit: first)
    #expect(try tree.identity(of: "roles/bot/files/bot.tar") == .blob(blob))
    let fingerprint = try tree.fingerprint(of: "roles/bot/files/bot.tar", limit: 1 << 20)
    #expect(fingerprint.sha256 == "sha256:" + SHA256.hex(archive))
    #expect(fingerprint.size == archive.utf8.count)
    #expect(fingerprint.identity == .blob(blob))
    let (bytes, again) = try tree.contentsAndFingerprint(
      of: "roles/bot/files/bot.tar", limit: 1 << 20, settle: true)
    #expect(bytes == Array(archive.utf8))
    #expect(again == fingerprint)

    // The next commit keeps the blob: the recorded fingerprint is used, nothing is read.
    let marked = FileFingerprint(sha256: "sha256:recorded", size: 1, identity: .blob(blob))
    let kept = try GitTree(mirror: mirror, commit: second)
    #expect(
      try kept.fingerprint(of: "roles/bot/files/bot.tar", limit: 1 << 20, recorded: [marked])
        == marked)
    // A commit with other bytes of the same size has another blob: read and hashed.
    let other = try GitTree(mirror: mirror, commit: third)
    let read = try other.fingerprint(of: "roles/bot/files/bot.tar", limit: 1 << 20, recorded: [marked])
    #expect(read.sha256 == "sha256:" + SHA256.hex(changed))
    #expect(read.identity != .blob(blob))
  }

  @Test("identities are refused for folders, missing files and symlinks, as reads are")
  func refusals() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    try remote.commit("Files", files: ["a/file": "x"], signer: nil)
    try sh("ln -s /etc/shadow '\(remote.path)/a/link'")
    try remote.git("add", "a/link")
    try remote.git("commit", "-q", "--no-gpg-sign", "-m", "Link")
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "main")
    let tree = try GitTree(mirror: mirror, commit: try mirror.fetch().tip)
    for path in ["a", "a/missing", "a/link", "../a/file"] {
      #expect(throws: StateTreeError.self, "\(path)") { _ = try tree.identity(of: path) }
    }
    #expect(throws: StateTreeError.self) {
      _ = try tree.read("a/file", limit: 0, settle: false) { _ in }
    }
  }
}
