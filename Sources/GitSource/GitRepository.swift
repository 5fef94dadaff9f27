import CGit2

/// An open git repository, owned: the `git_repository *` is freed with the value.
///
/// Not `Sendable`: libgit2 objects must not be used from two threads at once, and its
/// errors are per thread. Use one from a single synchronous operation, or behind a lock.
final class GitRepository {
  /// The owned handle.
  let pointer: OpaquePointer
  /// The repository's directory.
  let path: String

  /// Takes ownership of an open `git_repository *`.
  init(pointer: OpaquePointer, path: String) {
    self.pointer = pointer
    self.path = path
  }

  deinit { git_repository_free(pointer) }

  /// Opens the bare repository at exactly `path`: no search upwards, no `.git` lookup, no
  /// `GIT_DIR` from the environment. `git_repository_open_ext`
  static func open(bare path: String) throws -> GitRepository {
    LibGit2.prepare()
    var out: OpaquePointer?
    let flags =
      GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue | GIT_REPOSITORY_OPEN_BARE.rawValue
      | GIT_REPOSITORY_OPEN_NO_DOTGIT.rawValue
    try check("git_repository_open_ext") { git_repository_open_ext(&out, path, flags, nil) }
    return GitRepository(pointer: out!, path: path)
  }

  /// Creates a bare repository in `path` (an existing empty directory, or a new one), with
  /// libgit2's built-in template only. `git_repository_init_ext`
  static func create(bare path: String) throws -> GitRepository {
    LibGit2.prepare()
    var options = git_repository_init_options()
    try check("git_repository_init_options_init") {
      git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
    }
    options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
    var out: OpaquePointer?
    try check("git_repository_init_ext") { git_repository_init_ext(&out, path, &options) }
    return GitRepository(pointer: out!, path: path)
  }

  /// Closes the object database (its packs' mappings) and drops the caches; libgit2 opens
  /// them again when next needed, with the same configuration (the search paths are
  /// empty, so only the repository's own `config` is read). `git_repository__cleanup`
  func releaseCaches() {
    _ = git_repository__cleanup(pointer)
  }

  /// Makes the configuration file at `file` the only configuration this handle reads.
  /// `git_config_open_ondisk`, `git_repository_set_config`
  func useOnlyConfig(file: String) throws {
    var config: OpaquePointer?
    try check("git_config_open_ondisk") { git_config_open_ondisk(&config, file) }
    defer { git_config_free(config) }
    try check("git_repository_set_config") { git_repository_set_config(pointer, config) }
  }

  /// The object a reference points at, or `nil` when there is no such reference.
  /// `git_reference_name_to_id`
  func resolve(reference name: String) throws -> ObjectID? {
    var oid = git_oid()
    let code = git_reference_name_to_id(&oid, pointer, name)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    if code < 0 { throw lastError("git_reference_name_to_id", code: code) }
    return ObjectID(oid)
  }

  /// Whether `name` is a well-formed reference name. `git_reference_name_is_valid`
  static func isValid(reference name: String) throws -> Bool {
    LibGit2.prepare()
    var valid: Int32 = 0
    try check("git_reference_name_is_valid") { git_reference_name_is_valid(&valid, name) }
    return valid != 0
  }

  /// Looks up a commit. `git_commit_lookup`
  func commit(_ id: ObjectID) throws -> GitCommit {
    var oid = id.oid
    var out: OpaquePointer?
    try check("git_commit_lookup") { git_commit_lookup(&out, pointer, &oid) }
    return GitCommit(owning: out!)
  }

  /// The size and type of an object, read from its header only. `git_repository_odb`,
  /// `git_odb_read_header`
  func header(of oid: git_oid) throws -> (size: Int, type: git_object_t) {
    var odb: OpaquePointer?
    try check("git_repository_odb") { git_repository_odb(&odb, pointer) }
    defer { git_odb_free(odb) }
    var copy = oid
    var size = 0
    var type = GIT_OBJECT_INVALID
    try check("git_odb_read_header") { git_odb_read_header(&size, &type, odb, &copy) }
    return (size, type)
  }

  /// The bytes of a blob. `git_blob_lookup`, `git_blob_rawcontent`
  func blobContents(_ oid: git_oid) throws -> [UInt8] {
    var copy = oid
    var blob: OpaquePointer?
    try check("git_blob_lookup") { git_blob_lookup(&blob, pointer, &copy) }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: size))
  }

  /// Hands `body` the bytes of a blob in libgit2's own buffer, valid only during the call.
  /// `git_blob_lookup`, `git_blob_rawcontent`
  func withBlobContents<R>(_ oid: git_oid, _ body: (UnsafeRawBufferPointer) throws -> R) throws
    -> R
  {
    var copy = oid
    var blob: OpaquePointer?
    try check("git_blob_lookup") { git_blob_lookup(&blob, pointer, &copy) }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
  }
}
