import GitSource
import TestSupport
import Testing

/// A state directory, a remote with signers, and a mirror of it.
struct TrustFixture {
  let scratch: ScratchDirectory
  let remote: Remote
  let alice: Signer
  let mallory: Signer
  let policy: TrustPolicy
  let state: String

  init() throws {
    scratch = try ScratchDirectory()
    remote = try Remote(in: scratch)
    alice = try Signer("alice", in: scratch)
    mallory = try Signer("mallory", in: scratch)
    policy = TrustPolicy(allowedSigners: try allowedSigners([alice], in: scratch))
    state = try scratch.sub("state")
  }

  func mirror() throws -> GitMirror {
    try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
  }

  /// Fetches and verifies the move from `lastApplied` to the new tip.
  func update(from lastApplied: ObjectID?) throws -> SourceUpdate {
    let mirror = try mirror()
    let fetched = try mirror.fetch()
    return try SourceUpdate.verify(
      mirror: mirror, lastApplied: lastApplied, tip: fetched.tip, policy: policy)
  }
}

/// Whether `body` throws a signature refusal naming `commit` with a verdict like `expected`.
func refuses(
  _ commit: ObjectID, _ body: () throws -> Void,
  where matches: (SignatureVerdict) -> Bool
) -> Bool {
  do {
    try body()
    return false
  } catch let error as TrustError {
    guard case .unverified(let verdict) = error.kind else { return false }
    return verdict.commit == commit && matches(verdict)
      && error.description.contains(commit.short)
  } catch {
    return false
  }
}

@Suite("Trust: signatures and fast-forwards")
struct TrustTests {
  @Test("a signed history, merges included, is accepted commit by commit")
  func signedHistoryAccepted() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit(
      "Add host", files: ["hosts/a.yaml": "roles: []\n"], signer: f.alice)

    let initial = try f.update(from: nil)
    #expect(initial.commit == first)
    #expect(initial.newCommits == [first])
    #expect(initial.verdicts == [.valid(commit: first, principal: "alice@example.org")])

    try f.remote.git("checkout", "-q", "-b", "side")
    let side = try f.remote.commit("Side work", files: ["roles/x/a.yaml": "a\n"], signer: f.alice)
    try f.remote.git("checkout", "-q", "main")
    let second = try f.remote.commit("Main work", files: ["hosts/b.yaml": "b\n"], signer: f.alice)
    let merge = try f.remote.merge("side", signer: f.alice)

    let started = monotonic()
    let update = try f.update(from: first)
    let perCommit = (monotonic() - started) * 1000 / 3
    print("fetch and verification of 3 signed commits: \(perCommit) ms per commit")
    #expect(update.previous == first)
    #expect(update.commit == merge)
    #expect(Set(update.newCommits) == [side, second, merge])
    #expect(update.newCommits.last == merge)
    #expect(update.verdicts.allSatisfy { $0.isValid })
    #expect(update.verdicts.count == 3)

    let nothing = try f.update(from: merge)
    #expect(!nothing.hasChanges)
    #expect(nothing.commit == merge)
  }

  @Test("an unsigned commit in the middle is refused, naming it")
  func unsignedInTheMiddle() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    try f.remote.commit("Two", files: ["a": "2"], signer: f.alice)
    let unsigned = try f.remote.commit("Three", files: ["a": "3"], signer: nil)
    try f.remote.commit("Four", files: ["a": "4"], signer: f.alice)
    #expect(
      refuses(unsigned, { _ = try f.update(from: first) }) { $0 == .unsigned(commit: unsigned) })
  }

  @Test("a commit signed by a key not in the allowed signers is refused, naming it")
  func unknownKey() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let intruder = try f.remote.commit("Two", files: ["a": "2"], signer: f.mallory)
    try f.remote.commit("Three", files: ["a": "3"], signer: f.alice)
    #expect(
      refuses(intruder, { _ = try f.update(from: first) }) { $0 == .unknownKey(commit: intruder) })
  }

  @Test("a signed tip on top of an unsigned commit is refused, naming the unsigned one")
  func signedTipOnUnsigned() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let unsigned = try f.remote.commit("Two", files: ["a": "2"], signer: nil)
    let tip = try f.remote.commit("Three", files: ["a": "3"], signer: f.alice)
    #expect(
      refuses(unsigned, { _ = try f.update(from: first) }) { $0 == .unsigned(commit: unsigned) })
    // The tip alone verifies: the refusal comes from walking the whole range.
    let verdict = try f.policy.verifier!.verify(tip, in: try f.mirror())
    #expect(verdict.isValid)
  }

  @Test("an unsigned commit brought in by a signed merge is refused")
  func unsignedBehindMerge() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    try f.remote.git("checkout", "-q", "-b", "side")
    let unsigned = try f.remote.commit("Side", files: ["b": "1"], signer: nil)
    try f.remote.git("checkout", "-q", "main")
    try f.remote.commit("Two", files: ["a": "2"], signer: f.alice)
    try f.remote.merge("side", signer: f.alice)
    #expect(
      refuses(unsigned, { _ = try f.update(from: first) }) { $0 == .unsigned(commit: unsigned) })
  }

  @Test("an unsigned merge commit is refused")
  func unsignedMerge() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    try f.remote.git("checkout", "-q", "-b", "side")
    try f.remote.commit("Side", files: ["b": "1"], signer: f.alice)
    try f.remote.git("checkout", "-q", "main")
    try f.remote.commit("Two", files: ["a": "2"], signer: f.alice)
    let merge = try f.remote.merge("side", signer: nil)
    #expect(refuses(merge, { _ = try f.update(from: first) }) { $0 == .unsigned(commit: merge) })
  }

  @Test("the first run verifies the tip: an unsigned tip is refused")
  func firstRunUnsignedTip() throws {
    let f = try TrustFixture()
    try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let tip = try f.remote.commit("Two", files: ["a": "2"], signer: nil)
    #expect(refuses(tip, { _ = try f.update(from: nil) }) { $0 == .unsigned(commit: tip) })
  }

  @Test("a GPG-signed commit and an altered SSH-signed commit get their own verdicts")
  func gpgAndBadSignatures() throws {
    let f = try TrustFixture()
    let good = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    // Rewrite the signed commit's message, keeping its signature: the signature no longer
    // matches the payload.
    let raw = try f.remote.output("git", "cat-file", "commit", good.hex)
    let altered = raw.replacing("One\n", with: "Evil\n")
    let forged = try f.remote.hashCommit(altered)
    // A commit whose gpgsig holds an OpenPGP block.
    let pgp = raw.replacingSignature(
      with: "-----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----")
    let gpg = try f.remote.hashCommit(pgp)
    try f.remote.git("update-ref", "refs/heads/main", forged.hex)

    let mirror = try f.mirror()
    _ = try mirror.fetch()
    try f.remote.git("update-ref", "refs/heads/main", gpg.hex)
    _ = try mirror.fetch()
    let verifier = try #require(f.policy.verifier)
    guard case .bad(let commit, let detail) = try verifier.verify(forged, in: mirror) else {
      Issue.record("forged commit not reported as bad")
      return
    }
    #expect(commit == forged)
    #expect(!detail.isEmpty)
    #expect(try verifier.verify(gpg, in: mirror) == .notSSH(commit: gpg, format: "gpg"))
  }

  @Test("a force-push back to an older signed commit is refused naming both commits")
  func forcePushBack() throws {
    let f = try TrustFixture()
    try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let older = try f.remote.commit("Two", files: ["a": "2"], signer: f.alice)
    let applied = try f.remote.commit("Three", files: ["a": "3"], signer: f.alice)
    _ = try f.update(from: nil)
    try LastApplied.store(LastApplied(commit: applied), in: f.state)

    try f.remote.git("reset", "-q", "--hard", older.hex)
    do {
      _ = try f.update(from: try LastApplied.load(from: f.state)?.commit)
      Issue.record("a force-push back was accepted")
    } catch let error as TrustError {
      #expect(error.kind == .movedBack)
      #expect(error.tip == older && error.lastApplied == applied)
      #expect(error.description.contains(older.short) && error.description.contains(applied.short))
    }
    #expect(try LastApplied.load(from: f.state)?.commit == applied)
  }

  @Test("a rewritten signed history is refused naming both commits")
  func rewrittenHistory() throws {
    let f = try TrustFixture()
    try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let base = try f.remote.commit("Two", files: ["a": "2"], signer: f.alice)
    let applied = try f.remote.commit("Three", files: ["a": "3"], signer: f.alice)
    _ = try f.update(from: nil)

    try f.remote.git("reset", "-q", "--hard", base.hex)
    let rewritten = try f.remote.commit("Three, rewritten", files: ["a": "3'"], signer: f.alice)
    do {
      _ = try f.update(from: applied)
      Issue.record("a rewritten history was accepted")
    } catch let error as TrustError {
      #expect(error.kind == .rewritten)
      #expect(error.tip == rewritten && error.lastApplied == applied)
      #expect(error.description.contains(rewritten.short))
      #expect(error.description.contains(applied.short))
    }

    // A fresh mirror has never seen the applied commit: still a rewrite, not a first run.
    let fresh = try f.scratch.sub("fresh-state")
    let mirror = try GitMirror(stateDirectory: fresh, url: f.remote.path, branch: "main")
    let tip = try mirror.fetch().tip
    #expect {
      _ = try SourceUpdate.verify(mirror: mirror, lastApplied: applied, tip: tip, policy: f.policy)
    } throws: { error in
      (error as? TrustError)?.kind == .rewritten
        && (error as? TrustError)?.lastAppliedKnown == false
    }
  }

  @Test("a missing or writable allowed signers file stops verification instead of judging")
  func unprotectedAllowedSigners() throws {
    let f = try TrustFixture()
    let tip = try f.remote.commit("One", files: ["a": "1"], signer: f.alice)
    let mirror = try f.mirror()
    _ = try mirror.fetch()
    let file = try #require(f.policy.verifier).allowedSigners
    try sh("chmod 666 '\(file)'")
    #expect {
      _ = try SourceUpdate.verify(mirror: mirror, lastApplied: nil, tip: tip, policy: f.policy)
    } throws: { error in
      (error as? StateFileError)?.path == file
    }
    try sh("rm '\(file)'")
    #expect {
      _ = try SourceUpdate.verify(mirror: mirror, lastApplied: nil, tip: tip, policy: f.policy)
    } throws: { error in
      String(describing: error) == "\(file) does not exist"
    }
  }

  @Test("without allowed signers only the fast-forward rule applies")
  func noSignersConfigured() throws {
    let f = try TrustFixture()
    let first = try f.remote.commit("One", files: ["a": "1"], signer: nil)
    let second = try f.remote.commit("Two", files: ["a": "2"], signer: nil)
    let mirror = try f.mirror()
    let tip = try mirror.fetch().tip
    let update = try SourceUpdate.verify(
      mirror: mirror, lastApplied: first, tip: tip, policy: TrustPolicy(allowedSigners: nil))
    #expect(update.newCommits == [second])
    #expect(update.verdicts.isEmpty)
  }
}

extension Remote {
  func output(_ arguments: String...) throws -> String {
    try TestSupport.run(Array(arguments), in: path)
  }

  /// Writes a raw commit object and returns its id.
  func hashCommit(_ text: String) throws -> ObjectID {
    let file = path + "/../raw-commit"
    try sh("cat > '\(file)' <<'END_OF_COMMIT'\n\(text)END_OF_COMMIT\n")
    let hex = try output("git", "hash-object", "-t", "commit", "-w", file)
    return ObjectID(hex: String(hex.prefix(40)))!
  }
}

extension String {
  /// Replaces the `gpgsig` header's value (its first line and continuation lines).
  func replacingSignature(with block: String) -> String {
    var lines: [Substring] = []
    var inSignature = false
    for line in split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("gpgsig ") {
        inSignature = true
        lines.append(Substring("gpgsig " + block))
        continue
      }
      if inSignature && line.hasPrefix(" ") { continue }
      inSignature = false
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
