import CGit2

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide libgit2 set-up, done once before the first handle is made.
enum LibGit2 {
  /// Initialises libgit2 and empties the system, XDG, global and ProgramData configuration
  /// search paths, so that no `/etc/gitconfig` or `~/.gitconfig` (an `insteadOf`, a proxy,
  /// a credential helper) can change what a mirror fetches: the only configuration libgit2
  /// reads is the mirror's own, which reconcile writes.
  ///
  /// It also turns off libgit2's repository owner check (git's `safe.directory`). That check
  /// keeps git from running programs named in the configuration of someone else's
  /// repository (hooks, `core.fsmonitor`); libgit2 runs none. With it on, root could not
  /// fetch from a local path owned by the operator, and with the configuration search paths
  /// emptied nobody could allow it. reconcile checks its own mirror's owner itself, and
  /// trusts nothing it fetches until the signatures are verified.
  ///
  /// When `HOME` is not set (a system service without `User=`: systemd sets it only with
  /// one), it is set to the running user's home from the password database: libgit2 1.5
  /// reads `$HOME/.ssh/known_hosts` before every SSH connection and fails them all
  /// ("error loading known_hosts") without `HOME`. reconcile's own host key check
  /// (`KnownHosts`) decides either way; libgit2's read only orders the host key types asked.
  ///
  /// The object cache is off: `GitTree` reads each tree object once and keeps what it needs,
  /// so cached objects were only held twice (2.3 MiB of peak memory for a no-op run from git
  /// at 5,000 users, and no measurable time).
  ///
  /// libssh2 is initialised first without its crypto set-up, which with Debian's OpenSSL 3
  /// backend only registers OpenSSL's legacy ENGINEs and cost every run 1.5 MiB of memory
  /// (1.5 of the 4 MiB a no-op run from git at 5,000 users had over the 64 MiB target);
  /// OpenSSL 3 initialises itself when an ssh:// fetch first uses it (the ssh tests run
  /// against a real sshd).
  /// `libssh2_init(LIBSSH2_INIT_NO_CRYPTO)`,
  /// `git_libgit2_init`, `git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH)`,
  /// `git_libgit2_opts(GIT_OPT_ENABLE_CACHING)`,
  /// `git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION)`, `getpwuid(3)`, `setenv(3)`
  static let ready: Void = {
    if getenv("HOME") == nil, let home = getpwuid(geteuid())?.pointee.pw_dir {
      setenv("HOME", home, 0)
    }
    _ = cgit2_ssh2_init_without_crypto_setup()
    git_libgit2_init()
    _ = cgit2_set_owner_validation(0)
    _ = cgit2_enable_caching(0)
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
