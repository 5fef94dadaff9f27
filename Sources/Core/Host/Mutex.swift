import Foundation

/// A small lock for counters shared across threads.
final class Mutex: @unchecked Sendable {
  // NSLock is thread-safe; the class only forwards to it.
  private let lock = NSLock()
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
