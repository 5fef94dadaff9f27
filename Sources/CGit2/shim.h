#include <git2.h>
#include <git2/sys/repository.h>

/* Swift cannot call C variadic functions such as git_libgit2_opts: one fixed-arity shim per
   option reconcile sets. */

/* Sets the search path for one configuration level (GIT_CONFIG_LEVEL_*); "" means none. */
static inline int cgit2_set_search_path(int level, const char *path) {
  return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

/* Turns the check that a repository belongs to the current user on (1) or off (0). */
static inline int cgit2_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#include <sys/syscall.h>
#include <unistd.h>

/* The kernel id of the calling thread, which a POSIX timer with SIGEV_THREAD_ID signals (the
   fetch deadline); glibc declares gettid() only with _GNU_SOURCE, and syscall() is variadic. */
static inline int cgit2_thread_id(void) { return (int)syscall(SYS_gettid); }
