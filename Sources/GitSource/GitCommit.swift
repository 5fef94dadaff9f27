import CGit2

/// An owned `git_commit *`, freed when the value goes away.
struct GitCommit: ~Copyable {
  /// The owned handle.
  let pointer: OpaquePointer

  /// Takes ownership of `pointer`.
  init(owning pointer: OpaquePointer) { self.pointer = pointer }

  deinit { git_commit_free(pointer) }

  /// The commit's id. `git_commit_id`
  var id: ObjectID { ObjectID(git_commit_id(pointer).pointee) }

  /// The first line of the message. `git_commit_summary`
  var summary: String { git_commit_summary(pointer).map { String(cString: $0) } ?? "" }

  /// The number of parents (2 or more for a merge). `git_commit_parentcount`
  var parentCount: Int { Int(git_commit_parentcount(pointer)) }

  /// The commit's root tree. `git_commit_tree`
  func tree() throws -> GitTreeHandle {
    var out: OpaquePointer?
    try check("git_commit_tree") { git_commit_tree(&out, pointer) }
    return GitTreeHandle(owning: out!)
  }
}

/// An owned `git_tree *`, freed when the value goes away.
struct GitTreeHandle: ~Copyable {
  /// The owned handle.
  let pointer: OpaquePointer

  /// Takes ownership of `pointer`.
  init(owning pointer: OpaquePointer) { self.pointer = pointer }

  deinit { git_tree_free(pointer) }

  /// The entry at a `/`-separated path below this tree, or `nil` when there is none.
  /// `git_tree_entry_bypath`
  func entry(at path: String) throws -> GitTreeEntry? {
    var out: OpaquePointer?
    let code = git_tree_entry_bypath(&out, pointer, path)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    if code < 0 { throw lastError("git_tree_entry_bypath", code: code) }
    return GitTreeEntry(owning: out!)
  }

  /// Looks up the tree an entry names. `git_tree_lookup`
  static func lookup(_ oid: git_oid, in repository: GitRepository) throws -> GitTreeHandle {
    var copy = oid
    var out: OpaquePointer?
    try check("git_tree_lookup") { git_tree_lookup(&out, repository.pointer, &copy) }
    return GitTreeHandle(owning: out!)
  }

  /// Name, file mode and object id of every entry, in git's order.
  /// `git_tree_entrycount`, `git_tree_entry_byindex`
  func listing() -> [(name: String, mode: git_filemode_t, oid: git_oid)] {
    (0..<git_tree_entrycount(pointer)).compactMap { index in
      guard let entry = git_tree_entry_byindex(pointer, index) else { return nil }
      return (
        String(cString: git_tree_entry_name(entry)), git_tree_entry_filemode(entry),
        git_tree_entry_id(entry).pointee
      )
    }
  }
}

/// An owned `git_tree_entry *` (from a path lookup), freed when the value goes away.
struct GitTreeEntry: ~Copyable {
  /// The owned handle.
  let pointer: OpaquePointer

  /// Takes ownership of `pointer`.
  init(owning pointer: OpaquePointer) { self.pointer = pointer }

  deinit { git_tree_entry_free(pointer) }

  /// The entry's file mode. `git_tree_entry_filemode`
  var mode: git_filemode_t { git_tree_entry_filemode(pointer) }

  /// The object the entry names. `git_tree_entry_id`
  var oid: git_oid { git_tree_entry_id(pointer).pointee }
}
