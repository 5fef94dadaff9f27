import CGit2

extension GitRepository {
  /// Whether `commit` descends from `ancestor` (false when they are equal).
  /// `git_graph_descendant_of`
  func isDescendant(_ commit: ObjectID, of ancestor: ObjectID) throws -> Bool {
    var commitOID = commit.oid
    var ancestorOID = ancestor.oid
    let result = try check("git_graph_descendant_of") {
      git_graph_descendant_of(pointer, &commitOID, &ancestorOID)
    }
    return result == 1
  }

  /// Every commit reachable from `tip` and not from `hidden`, parents before children.
  /// `git_revwalk_new`, `git_revwalk_sorting`, `git_revwalk_push`, `git_revwalk_hide`,
  /// `git_revwalk_next`
  func commits(from tip: ObjectID, hiding hidden: ObjectID?) throws -> [ObjectID] {
    var walk: OpaquePointer?
    try check("git_revwalk_new") { git_revwalk_new(&walk, pointer) }
    defer { git_revwalk_free(walk) }
    let order = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue
    try check("git_revwalk_sorting") { git_revwalk_sorting(walk, order) }
    var tipOID = tip.oid
    try check("git_revwalk_push") { git_revwalk_push(walk, &tipOID) }
    if let hidden {
      var hiddenOID = hidden.oid
      try check("git_revwalk_hide") { git_revwalk_hide(walk, &hiddenOID) }
    }
    var result: [ObjectID] = []
    var next = git_oid()
    while true {
      let code = git_revwalk_next(&next, walk)
      if code == GIT_ITEROVER.rawValue { return result }
      if code < 0 { throw lastError("git_revwalk_next", code: code) }
      result.append(ObjectID(next))
    }
  }

  /// The signature block in a commit's `gpgsig` header and the bytes it signs, or `nil`
  /// for an unsigned commit. `git_commit_extract_signature`, `git_buf_dispose`
  func signature(of commit: ObjectID) throws -> (signature: [UInt8], payload: [UInt8])? {
    var oid = commit.oid
    var signature = git_buf()
    var payload = git_buf()
    defer {
      git_buf_dispose(&signature)
      git_buf_dispose(&payload)
    }
    let code = git_commit_extract_signature(&signature, &payload, pointer, &oid, "gpgsig")
    if code == GIT_ENOTFOUND.rawValue {
      // The same code means "no such commit"; tell the two apart.
      _ = try self.commit(commit)
      return nil
    }
    if code < 0 { throw lastError("git_commit_extract_signature", code: code) }
    return (bytes(signature), bytes(payload))
  }

  private func bytes(_ buffer: git_buf) -> [UInt8] {
    guard let raw = buffer.ptr, buffer.size > 0 else { return [] }
    return raw.withMemoryRebound(to: UInt8.self, capacity: buffer.size) {
      Array(UnsafeBufferPointer(start: $0, count: buffer.size))
    }
  }
}
