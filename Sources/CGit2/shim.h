#include <git2.h>
#include <git2/sys/repository.h>
#include <libssh2.h>

/* Initialises libssh2 without its crypto set-up, before libgit2 initialises it (libssh2
   counts its initialisations and sets up crypto only on the first). With Debian's OpenSSL 3
   backend that set-up only registers OpenSSL's legacy ENGINEs, and it faults in 1.5 MiB of
   libcrypto in every run, SSH or not; OpenSSL 3 initialises itself when SSH first uses it. */
static inline int cgit2_ssh2_init_without_crypto_setup(void) {
  return libssh2_init(LIBSSH2_INIT_NO_CRYPTO);
}

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

/* Turns libgit2's object cache on (1) or off (0): process-wide. */
static inline int cgit2_enable_caching(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}

/* Replaces the certificate authorities trusted for https with those in one PEM file
   (mbedTLS: process-wide, freeing the previous set). */
static inline int cgit2_set_ssl_cert_file(const char *file) {
  return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}

#include <sys/syscall.h>
#include <unistd.h>

/* The kernel id of the calling thread, which a POSIX timer with SIGEV_THREAD_ID signals (the
   fetch deadline); glibc declares gettid() only with _GNU_SOURCE, and syscall() is variadic. */
static inline int cgit2_thread_id(void) { return (int)syscall(SYS_gettid); }
