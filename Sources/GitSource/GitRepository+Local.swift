import CGit2

#if canImport(Glibc)
import Glibc
#endif

extension GitRepository {
  /// Opens the repository that holds `path`, searching upwards from it as git does (a work
  /// tree's folder or any folder inside it, or a bare repository). `GIT_DIR` and the other
  /// environment variables are ignored. `git_repository_open_ext`
  static func open(searchingFrom path: String) throws -> GitRepository {
    LibGit2.prepare()
    var out: OpaquePointer?
    try check("git_repository_open_ext") { git_repository_open_ext(&out, path, 0, nil) }
    return GitRepository(pointer: out!, path: path)
  }

  /// Opens the repository whose git directory is exactly `gitDirectory`.
  /// `git_repository_open_ext`
  static func open(gitDirectory: String) throws -> GitRepository {
    LibGit2.prepare()
    var out: OpaquePointer?
    let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
    try check("git_repository_open_ext") { git_repository_open_ext(&out, gitDirectory, flags, nil) }
    return GitRepository(pointer: out!, path: gitDirectory)
  }

  /// The repository's git directory (`.../.git/` or the bare repository), with a trailing
  /// slash. `git_repository_path`
  var gitDirectory: String { String(cString: git_repository_path(pointer)) }

  /// The work tree's folder with a trailing slash, or nil for a bare repository.
  /// `git_repository_workdir`
  var workTree: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

  /// The commit a revision names: a branch, a tag, `HEAD~1`, `origin/main`, an object id or
  /// a unique prefix of one; tags are peeled to their commit. `git_revparse_single`,
  /// `git_object_peel`, `git_object_id`
  func commit(named revision: String) throws -> ObjectID {
    var object: OpaquePointer?
    try check("git_revparse_single") { git_revparse_single(&object, pointer, revision) }
    defer { git_object_free(object) }
    var peeled: OpaquePointer?
    try check("git_object_peel") { git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) }
    defer { git_object_free(peeled) }
    return ObjectID(git_object_id(peeled).pointee)
  }
}
