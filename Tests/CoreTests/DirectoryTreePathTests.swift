import Foundation
import TestSupport
import Testing

@testable import Core

/// How `DirectoryTree` cuts a repository path into its folder and name before opening it:
/// the plain paths on their bytes, every other through its components, the same files found
/// or refused either way.
@Suite struct DirectoryTreePathTests {
  @Test func pathsAreCutIntoFolderAndName() throws {
    let scratch = try ScratchDirectory()
    try FileManager.default.createDirectory(atPath: scratch.join("a/ü"), withIntermediateDirectories: true)
    for (path, text) in [("top.txt", "top"), ("a/b.txt", "b"), ("a/ü/c d.txt", "c"), ("a/..x", "dots")] {
      try Data(text.utf8).write(to: URL(fileURLWithPath: scratch.join(path)))
    }
    let tree = DirectoryTree(path: scratch.path)
    func read(_ path: String) -> String {
      do {
        return String(decoding: try tree.contents(of: path, limit: 100), as: UTF8.self)
      } catch let error as StateTreeError {
        return "refused: \(error.reason)"
      } catch {
        return "failed"
      }
    }
    #expect(read("top.txt") == "top")
    #expect(read("a/b.txt") == "b")
    #expect(read("a/ü/c d.txt") == "c")
    #expect(read("a/..x") == "dots")
    // Empty components are dropped.
    #expect(read("a//b.txt") == "b")
    #expect(read("/a/b.txt") == "b")
    // Out of the repository, or no file name.
    for path in ["..", ".", "a/..", "a/.", "../top.txt", "a/../top.txt", "a/./b.txt", "a//.."] {
      #expect(read(path) == "refused: path leaves the repository", "\(path)")
    }
    #expect(read("") == "refused: not a file")
    #expect(read("/") == "refused: not a file")
  }
}
