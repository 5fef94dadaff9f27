import ArgumentParser
import Core
import FoundationEssentials
import SystemCalls

/// The exit codes, one place, documented in `--help` and the README. `plan` combines bits so
/// monitoring can tell the situations apart.
enum ExitCodes {
  /// plan: in sync; apply: every change applied and nothing had drifted; check: valid.
  static let success: Int32 = 0
  /// Any error: invalid repository, refused source, a change that failed.
  static let failure: Int32 = 1
  /// plan: the repository asks for changes.
  static let changesPending: Int32 = 2
  /// plan: the host drifted; apply: succeeded, and drift was found (reverted or reported).
  static let drift: Int32 = 4
  /// plan: the source is stale (no successful fetch for longer than configured).
  static let stale: Int32 = 8
  /// Another reconcile run holds the lock; nothing was done.
  static let busy: Int32 = 75

  /// Ends a read-only run with `code`, leaving what `state` holds to the system. Freeing a
  /// large host's loaded state object by object (tens of MB at thousands of accounts, long
  /// out of the caches) was 3 % of the cache misses of a 5,000-user plan, and frees nothing
  /// the exit does not. Only for runs that changed nothing: an apply closes its bus and
  /// files in order.
  static func exit(_ code: Int32, keeping state: Any...) -> Never {
    withExtendedLifetime(state) { StandardStreams.exit(code) }
  }

  /// The exit code of `plan`.
  static func of(_ plan: Plan, stale: Bool) -> Int32 {
    (plan.hasRepositoryChanges ? changesPending : 0) | (plan.hasDrift ? drift : 0) | (stale ? Self.stale : 0)
  }

  static let help = """
    Exit codes:
      0   plan: in sync; apply: applied, nothing had drifted; check: valid;
          review: the review ran; snapshot: written
      1   error: invalid repository, refused source, failed change
      2   plan: repository changes pending
      4   plan: drift on the host; apply: applied after reverting drift
      6   plan: both repository changes and drift (2 + 4)
      +8  plan: the source is stale (8, 10, 12, 14)
      75  another reconcile run is in progress; nothing was done
    """
}
