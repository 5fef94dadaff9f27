import CGit2

/// A libgit2 call that failed: which function, libgit2's message and error class.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The C function that failed, e.g. `git_remote_fetch`.
  public var call: String
  /// The return code (`GIT_ENOTFOUND`, `GIT_EUNBORNBRANCH`, ...).
  public var code: Int32
  /// libgit2's message for the failure, from `git_error_last`.
  public var message: String
  /// libgit2's error class (`GIT_ERROR_NET`, `GIT_ERROR_SSH`, ...), as its raw value.
  public var errorClass: Int32

  /// Creates an error from its parts.
  public init(call: String, code: Int32, message: String, errorClass: Int32) {
    self.call = call
    self.code = code
    self.message = message
    self.errorClass = errorClass
  }

  /// Whether libgit2 reported that the object or reference does not exist.
  public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

  public var description: String {
    "\(call) failed: \(message) (\(GitError.className(errorClass)), code \(code))"
  }

  /// A readable name for a `git_error_t` value.
  static func className(_ value: Int32) -> String {
    let names: [Int32: String] = [
      0: "no class", 1: "out of memory", 2: "OS", 3: "invalid", 4: "reference", 5: "zlib",
      6: "repository", 7: "config", 8: "regex", 9: "object database", 10: "index",
      11: "object", 12: "network", 13: "tag", 14: "tree", 15: "indexer", 16: "SSL",
      17: "submodule", 18: "thread", 19: "stash", 20: "checkout", 21: "FETCH_HEAD",
      22: "merge", 23: "SSH", 24: "filter", 25: "revert", 26: "callback", 27: "cherry-pick",
      28: "describe", 29: "rebase", 30: "filesystem", 31: "patch", 32: "worktree",
      33: "SHA", 34: "HTTP", 35: "internal",
    ]
    return names[value] ?? "class \(value)"
  }
}

/// Runs a libgit2 call and turns a negative return into a `GitError`, reading
/// `git_error_last` at once, on the same thread, before any other libgit2 call can replace
/// it. Returns the non-negative result. `git_error_last`
@discardableResult
func check(_ call: String, _ body: () -> Int32) throws -> Int32 {
  let code = body()
  guard code < 0 else { return code }
  throw lastError(call, code: code)
}

/// The error libgit2 recorded for the call that just failed on this thread. `git_error_last`
func lastError(_ call: String, code: Int32) -> GitError {
  guard let last = git_error_last() else {
    return GitError(call: call, code: code, message: "no message from libgit2", errorClass: 0)
  }
  let message = last.pointee.message.map { String(cString: $0) } ?? "no message from libgit2"
  return GitError(call: call, code: code, message: message, errorClass: last.pointee.klass)
}
