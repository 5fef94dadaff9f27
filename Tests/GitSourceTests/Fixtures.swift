import GitSource
import Glibc
import SystemCalls
import TestSupport
import Testing

/// Counts the files under `directory`.
func fileCount(_ directory: String) throws -> Int {
  Int(try sh("find '\(directory)' -type f | wc -l").trimmingCharacters()) ?? -1
}

extension String {
  func trimmingCharacters() -> String {
    var copy = self
    while copy.last?.isWhitespace == true { copy.removeLast() }
    while copy.first?.isWhitespace == true { copy.removeFirst() }
    return copy
  }
}
