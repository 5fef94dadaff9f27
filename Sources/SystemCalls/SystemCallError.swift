#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which call, on what, and the `errno` it set.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The C function that failed, e.g. `openat`.
  public var call: String
  /// The path or object the call was about, when there is one.
  public var subject: String?
  /// The `errno` value.
  public var code: Int32

  /// Creates an error for `call` with the current `errno`.
  public init(_ call: String, subject: String? = nil, code: Int32 = errno) {
    self.call = call
    self.subject = subject
    self.code = code
  }

  /// The text `strerror(3)` gives for `code`.
  public var reason: String { String(cString: strerror(code)) }

  public var description: String {
    if let subject { return "\(call)(\(subject)): \(reason)" }
    return "\(call): \(reason)"
  }

  /// `ENOENT`.
  public var isNotFound: Bool { code == ENOENT }
  /// `ELOOP` or `ENOTDIR` from an `O_NOFOLLOW` open: the path is (or crosses) a symlink.
  public var isSymlink: Bool { code == ELOOP || code == ENOTDIR }
}

/// Retries `body` while it fails with `EINTR`; throws a `SystemCallError` on `-1`.
@discardableResult
@inline(__always)
func check<T: BinaryInteger>(
  _ call: String, _ subject: String? = nil, _ body: () throws -> T
) throws -> T {
  while true {
    let result = try body()
    if result != -1 { return result }
    if errno == EINTR { continue }
    throw SystemCallError(call, subject: subject)
  }
}
