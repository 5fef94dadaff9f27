import CGit2

/// Process-wide libgit2 set-up, done once before the first handle is made.
enum LibGit2 {
  /// Initialises libgit2 and empties the system, XDG, global and ProgramData configuration
  /// search paths, so that no `/etc/gitconfig` or `~/.gitconfig` (an `insteadOf`, a proxy,
  /// a credential helper) can change what a mirror fetches: the only configuration libgit2
  /// reads is the mirror's own, which reconcile writes. `git_libgit2_init`,
  /// `git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH)`
  static let ready: Void = {
    git_libgit2_init()
    for level in [
      GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
      GIT_CONFIG_LEVEL_PROGRAMDATA,
    ] {
      _ = cgit2_set_search_path(level.rawValue, "")
    }
  }()

  /// Makes sure `ready` ran.
  static func prepare() { _ = ready }
}
