/// What the host trusts: with an allowed signers file, every new commit must carry a good
/// SSH signature by an allowed signer; without one, only the fast-forward rule applies.
public struct TrustPolicy: Sendable {
  /// Checks signatures; `nil` when no allowed signers file is configured.
  public var verifier: SignatureVerifier?

  /// A policy that checks signatures against `allowedSigners` when it is given.
  public init(allowedSigners: String?) {
    verifier = allowedSigners.map { SignatureVerifier(allowedSigners: $0) }
  }

  /// A policy with a configured verifier (or none).
  public init(verifier: SignatureVerifier?) { self.verifier = verifier }
}

/// A verified move of the host's state from the last applied commit to a new tip.
public struct SourceUpdate: Sendable, Equatable {
  /// The last applied commit (`nil` on the first run).
  public var previous: ObjectID?
  /// The verified commit to apply: the fetched tip.
  public var commit: ObjectID
  /// The commits that are new to the host, parents before children: every commit reachable
  /// from the tip and not from the last applied one; the tip alone on the first run; empty
  /// when the tip is the last applied commit.
  public var newCommits: [ObjectID]
  /// The signature verdict of each new commit, in the same order (empty without a verifier).
  public var verdicts: [SignatureVerdict]

  /// Whether there is anything new to apply.
  public var hasChanges: Bool { !newCommits.isEmpty }

  /// Decides whether the host may move from `lastApplied` to `tip` (both in `mirror`).
  ///
  /// Only fast-forwards are accepted: `tip` must equal `lastApplied` (nothing new) or
  /// descend from it. A tip that is an ancestor of the last applied commit (a force-push
  /// back) or that does not descend from it (a rewritten history) is refused naming both.
  /// With a verifier, every new commit, merges included, must have a valid signature; the
  /// first run (no last applied commit) verifies the tip only. Throws `TrustError` on a
  /// refusal and `MirrorError` when the mirror cannot be read. Writes nothing.
  public static func verify(
    mirror: GitMirror, lastApplied: ObjectID?, tip: ObjectID, policy: TrustPolicy
  ) throws -> SourceUpdate {
    let repository = mirror.repository
    let newCommits: [ObjectID]
    do {
      _ = try repository.commit(tip)
      if let lastApplied {
        if lastApplied == tip {
          return SourceUpdate(previous: lastApplied, commit: tip, newCommits: [], verdicts: [])
        }
        let known: Bool
        do {
          _ = try repository.commit(lastApplied)
          known = true
        } catch let error as GitError where error.isNotFound {
          known = false
        }
        guard known, try repository.isDescendant(tip, of: lastApplied) else {
          let back = known ? try repository.isDescendant(lastApplied, of: tip) : false
          throw TrustError(
            kind: back ? .movedBack : .rewritten, lastApplied: lastApplied, tip: tip,
            lastAppliedKnown: known)
        }
        newCommits = try repository.commits(from: tip, hiding: lastApplied)
      } else {
        newCommits = [tip]
      }
    } catch let error as TrustError {
      throw error
    } catch {
      throw MirrorError(operation: "walking the history up to \(tip.short)", underlying: error)
    }
    guard let verifier = policy.verifier else {
      return SourceUpdate(
        previous: lastApplied, commit: tip, newCommits: newCommits, verdicts: [])
    }
    try verifier.checkAllowedSigners()
    var verdicts: [SignatureVerdict] = []
    for commit in newCommits {
      let verdict = try verifier.verify(commit, in: mirror)
      guard verdict.isValid else {
        throw TrustError(
          kind: .unverified(verdict), lastApplied: lastApplied, tip: tip, lastAppliedKnown: true)
      }
      verdicts.append(verdict)
    }
    return SourceUpdate(
      previous: lastApplied, commit: tip, newCommits: newCommits, verdicts: verdicts)
  }
}

/// A refused update: nothing may be applied and the last applied commit stays where it is.
public struct TrustError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Why the update was refused.
  public enum Kind: Sendable, Equatable {
    /// The tip is an ancestor of the last applied commit: a force-push to older history.
    case movedBack
    /// The tip does not descend from the last applied commit: the history was rewritten.
    case rewritten
    /// A new commit failed signature verification.
    case unverified(SignatureVerdict)
  }

  /// Why.
  public var kind: Kind
  /// The last applied commit (`nil` on the first run).
  public var lastApplied: ObjectID?
  /// The fetched tip that was refused.
  public var tip: ObjectID
  /// Whether the last applied commit is still in the mirror's history.
  public var lastAppliedKnown: Bool

  /// The commit a signature refusal is about, if this is one.
  public var offendingCommit: ObjectID? {
    if case .unverified(let verdict) = kind { return verdict.commit }
    return nil
  }

  public var description: String {
    let last = lastApplied.map { "the last applied commit \($0.short)" } ?? "no applied commit"
    switch kind {
    case .movedBack:
      return "refusing \(tip.short): it is older than \(last) (a force-push back); "
        + "only fast-forwards are applied"
    case .rewritten:
      let gone = lastAppliedKnown ? "" : ", which is no longer in the fetched history"
      return "refusing \(tip.short): it does not descend from \(last)\(gone) "
        + "(the history was rewritten); only fast-forwards are applied"
    case .unverified(let verdict):
      return "refusing \(tip.short): \(verdict)"
    }
  }
}
