import Synchronization

/// A small lock for counters shared across threads.
final class Mutex: Sendable {
  private let lock = Synchronization.Mutex(())
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    try lock.withLock { _ in try body() }
  }
}

/// A value shared between the phases of a run (a plugin's cache), read and changed under a
/// lock.
public final class Locked<Value: Sendable>: @unchecked Sendable {
  // Every access to `value` goes through `lock`.
  private let lock = Mutex()
  private var value: Value

  /// Holds `value`.
  public init(_ value: Value) { self.value = value }

  /// Reads under the lock.
  public func read<T>(_ body: (Value) throws -> T) rethrows -> T { try lock.withLock { try body(value) } }

  /// Changes under the lock.
  public func update<T>(_ body: (inout Value) throws -> T) rethrows -> T {
    try lock.withLock { try body(&value) }
  }
}
