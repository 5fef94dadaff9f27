import GitSource
import Glibc
import SystemCalls
import TestSupport
import Testing

/// Fetching over `ssh://` from a real sshd on loopback, with host key checks against
/// known_hosts files and public-key authentication.
@Suite("GitMirror over SSH: host keys and keys")
struct SSHRemoteTests {
  /// A remote with one commit, a real sshd serving it and a state directory.
  struct Setup {
    let scratch: ScratchDirectory
    let remote: Remote
    let tip: ObjectID
    let server: SSHServer
    let state: String

    init(hostKeyType: String = "ed25519") throws {
      scratch = try ScratchDirectory()
      remote = try Remote(in: scratch)
      tip = try remote.commit("One", files: ["hosts/a.yaml": "a\n"], signer: nil)
      server = try SSHServer(scratch: scratch, hostKeyType: hostKeyType)
      state = try scratch.sub("state")
    }

    /// Writes `lines` to a known_hosts file (mode 0644) and returns its path.
    func knownHosts(_ lines: [String], name: String = "known_hosts") throws -> String {
      try scratch.write(name, lines.map { $0 + "\n" }.joined())
      return scratch.join(name)
    }

    /// A mirror of the remote over SSH with these known_hosts files and the client key.
    func mirror(knownHosts: [String], key: String? = nil) throws -> GitMirror {
      try GitMirror(
        stateDirectory: state, url: server.url(remote.path), branch: "main",
        access: RemoteAccess(sshKey: key ?? server.clientKey, knownHosts: knownHosts))
    }

    /// The mirror's files, sizes and the fetch record, to show that a refusal wrote nothing.
    func mirrorSnapshot() throws -> String {
      try sh(
        "cd '\(state)' && find . -printf '%p %s\\n' | sort"
          + " && cat git-last-fetch 2>/dev/null || true")
    }
  }

  /// The description of the error `body` throws; records an issue when it throws none.
  func failure(_ body: () throws -> Void) -> String {
    do {
      try body()
    } catch {
      return String(describing: error)
    }
    Issue.record("expected a failure")
    return ""
  }

  @Test("the server's key in known_hosts: the fetch succeeds, with a plain or a hashed entry")
  func knownHostKey() throws {
    let setup = try Setup()
    let plain = try setup.knownHosts(["# ours", setup.server.knownHostsLine])
    let result = try setup.mirror(knownHosts: [plain]).fetch()
    #expect(result.tip == setup.tip && result.receivedObjects > 0)

    // Hashed with ssh-keygen -H, as Debian's HashKnownHosts writes them; a second file that
    // does not exist is passed over.
    let hashed = try setup.knownHosts([setup.server.knownHostsLine], name: "hashed")
    try run(["ssh-keygen", "-q", "-H", "-f", hashed])
    #expect(try sh("cat '\(hashed)'").hasPrefix("|1|"))
    try setup.remote.commit("Two", files: ["hosts/b.yaml": "b\n"], signer: nil)
    let second = try setup.mirror(knownHosts: [setup.scratch.join("absent"), hashed]).fetch()
    #expect(second.changed && second.previousTip == setup.tip)
  }

  @Test("another key for the host: refused, naming host, offered fingerprint and file; mirror kept")
  func changedHostKey() throws {
    let setup = try Setup()
    let good = try setup.knownHosts([setup.server.knownHostsLine], name: "good")
    _ = try setup.mirror(knownHosts: [good]).fetch()
    try setup.remote.commit("Two", files: ["hosts/b.yaml": "b\n"], signer: nil)
    let before = try setup.mirrorSnapshot()

    // An impostor's key under the server's name, as a man in the middle would present it.
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", setup.scratch.join("other")])
    let other = try sh("cut -d ' ' -f 1,2 '\(setup.scratch.join("other")).pub'")
      .trimmingCharacters()
    let wrong = try setup.knownHosts(["[127.0.0.1]:\(setup.server.port) \(other)"], name: "wrong")
    let mirror = try setup.mirror(knownHosts: [wrong])
    let text = failure { _ = try mirror.fetch() }
    print("changed host key: \(text)")
    #expect(text.contains("[127.0.0.1]:\(setup.server.port)"))
    #expect(text.contains("ssh-ed25519 \(setup.server.fingerprint)"))
    #expect(text.contains("\(wrong):1") && text.contains("host key changed"))
    #expect(text.contains("the mirror keeps \(setup.tip.short)"))
    #expect(try mirror.tip() == setup.tip)
    #expect(try setup.mirrorSnapshot() == before)

    // The right key, but on a @revoked line as well: refused.
    let revoked = try setup.knownHosts(
      [setup.server.knownHostsLine, "@revoked * \(setup.server.hostKey)"], name: "revoked")
    let revokedText = failure { _ = try setup.mirror(knownHosts: [revoked]).fetch() }
    #expect(revokedText.contains("\(revoked):2 marks @revoked"))
    #expect(try setup.mirrorSnapshot() == before)
  }

  @Test("no entry for the host and port, or no file at all: refused with what to set")
  func unknownHost() throws {
    let setup = try Setup()
    // The right key, but for port 22 and for another host: neither names [127.0.0.1]:PORT.
    let elsewhere = try setup.knownHosts([
      "127.0.0.1 \(setup.server.hostKey)",
      "[example.org]:\(setup.server.port) \(setup.server.hostKey)",
    ])
    let text = failure { _ = try setup.mirror(knownHosts: [elsewhere]).fetch() }
    print("unknown host: \(text)")
    #expect(text.contains("has no key for [127.0.0.1]:\(setup.server.port)"))
    #expect(text.contains(setup.server.fingerprint) && text.contains("repository.known-hosts"))
    #expect(text.contains("the mirror stays empty"))
    #expect(try setup.mirror(knownHosts: [elsewhere]).tip() == nil)

    let missing = setup.scratch.join("nowhere")
    let none = failure { _ = try setup.mirror(knownHosts: [missing]).fetch() }
    #expect(none.contains("\(missing) not found"))
    let unset = failure { _ = try setup.mirror(knownHosts: []).fetch() }
    #expect(unset.contains("no known_hosts file is configured"))
    #expect(try setup.mirrorSnapshot().contains("git-last-fetch") == false)
  }

  @Test("only a key of another type for the host: refused, saying to list every host key")
  func otherKeyType() throws {
    let setup = try Setup(hostKeyType: "ecdsa")
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", setup.scratch.join("other")])
    let other = try sh("cut -d ' ' -f 1,2 '\(setup.scratch.join("other")).pub'")
      .trimmingCharacters()
    let file = try setup.knownHosts(["[127.0.0.1]:\(setup.server.port) \(other)"])
    let text = failure { _ = try setup.mirror(knownHosts: [file]).fetch() }
    print("other key type: \(text)")
    #expect(text.contains("ecdsa-sha2-nistp256 \(setup.server.fingerprint)"))
    #expect(text.contains("has only ssh-ed25519 keys"))
  }

  @Test("a known_hosts file others can write is refused")
  func looseKnownHosts() throws {
    let setup = try Setup()
    let file = try setup.knownHosts([setup.server.knownHostsLine])
    try sh("chmod 0666 '\(file)'")
    let text = failure { _ = try setup.mirror(knownHosts: [file]).fetch() }
    #expect(text.contains("\(file) cannot be used") && text.contains("mode 666"))
  }

  @Test("a key the server does not accept fails cleanly, after the host key check")
  func wrongClientKey() throws {
    let setup = try Setup()
    let file = try setup.knownHosts([setup.server.knownHostsLine])
    let stranger = setup.scratch.join("stranger")
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger])
    let start = monotonic()
    let text = failure { _ = try setup.mirror(knownHosts: [file], key: stranger).fetch() }
    print("wrong client key: \(text)")
    #expect(text.contains("git_remote_connect") && text.contains("SSH"))
    #expect(text.lowercased().contains("auth"))
    #expect(monotonic() - start < 10)
    #expect(try setup.mirror(knownHosts: [file]).tip() == nil)
    // The right key still works afterwards.
    #expect(try setup.mirror(knownHosts: [file]).fetch().tip == setup.tip)
  }
}
