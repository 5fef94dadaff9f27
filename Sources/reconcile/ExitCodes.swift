import ArgumentParser

/// The exit codes, one place, documented in `--help` and the README.
enum ExitCodes {
  /// plan: nothing to do; apply: every change applied; check: the repository is valid.
  static let success: Int32 = 0
  /// Any error: invalid repository, a failed change, an unreadable host.
  static let failure: Int32 = 1
  /// plan: changes are pending.
  static let changesPending: Int32 = 2
  /// Another reconcile run holds the lock; nothing was done.
  static let busy: Int32 = 75

  static let help = """
    Exit codes:
      0   plan: nothing to do; apply: all changes applied; check: valid
      1   error (invalid repository, failed change, host not readable)
      2   plan: changes pending
      75  another reconcile run is in progress; nothing was done
    """
}
