import Foundation
import SystemCalls
import TestSupport
import Testing

@testable import Core

/// `FolderCursor` holds open the folders of the path it last walked, and `DirectoryTree`
/// reads a repository through one: each folder is opened once while its files are read, a
/// symlink on the way is still refused, and a folder the cursor let go of stays readable.
@Suite("Folder cursor")
struct FolderCursorTests {
  /// A cursor over `scratch` that records every component it opens.
  func cursor(over scratch: ScratchDirectory, opened: Locked<[String]>) -> FolderCursor {
    FolderCursor(
      root: {
        opened.update { $0.append("/") }
        return try Descriptor.open(scratch.path, flags: OpenFlags.readOnly | OpenFlags.directory)
      },
      child: { folder, name, _ in
        opened.update { $0.append(name) }
        do {
          return try folder.open(name, flags: OpenFlags.readOnly | OpenFlags.directory | OpenFlags.noFollow)
        } catch let error as SystemCallError where error.isNotFound {
          return nil
        }
      })
  }

  @Test("a folder is opened from the deepest folder held on its way; others are let go of")
  func reusesTheFoldersOnTheWay() throws {
    let scratch = try ScratchDirectory()
    for file in ["a/b/c/one", "a/b/d/two", "a/e/three"] { try scratch.write(file, "x\n") }
    let opened = Locked<[String]>([])
    let cursor = cursor(over: scratch, opened: opened)
    let c = try #require(try cursor.folder(["a", "b", "c"]))
    #expect(try c.descriptor.entries() == ["one"])
    #expect(try cursor.folder(["a", "b", "c"]) === c)
    #expect(try cursor.folder(["a", "b", "d"])?.descriptor.entries() == ["two"])
    #expect(try cursor.folder(["a", "b"])?.descriptor.entries() == ["c", "d"])
    #expect(try cursor.folder(["a", "e"])?.descriptor.entries() == ["three"])
    #expect(try cursor.folder([])?.descriptor.entries() == ["a"])
    #expect(try cursor.folder(["a", "missing", "deeper"]) == nil)
    #expect(opened.read { $0 } == ["/", "a", "b", "c", "d", "e", "a", "missing"])
    // A folder handed out stays usable after the cursor has moved on or let go of it.
    cursor.release()
    #expect(try c.descriptor.entries() == ["one"])
    #expect(try cursor.folder(["a"])?.descriptor.entries() == ["b", "e"])
    #expect(opened.read { $0 }.suffix(2) == ["/", "a"])
  }

  @Test("a folder asked for again by its key is the one held, without its path split again")
  func theDeepestFolderIsFoundByItsKey() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("a/b/one", "x\n")
    let opened = Locked<[String]>([])
    let cursor = cursor(over: scratch, opened: opened)
    let split = Locked(0)
    func components(_ key: String) -> [String] {
      split.update { $0 += 1 }
      return key.split(separator: "/").map(String.init)
    }
    let b = try #require(try cursor.folder("a/b") { components("a/b") })
    #expect(try cursor.folder("a/b") { components("a/b") } === b)
    #expect(split.read { $0 } == 1)
    #expect(try cursor.folder("a") { components("a") }?.descriptor.entries() == ["b"])
    #expect(try cursor.folder("a/b") { components("a/b") } !== b)
    #expect(split.read { $0 } == 3)
    #expect(try cursor.folder("a/missing") { components("a/missing") } == nil)
    #expect(try cursor.folder("a/missing") { components("a/missing") } == nil)
    #expect(split.read { $0 } == 5)
    #expect(opened.read { $0 } == ["/", "a", "b", "b", "missing", "missing"])
  }

  @Test("a directory tree reads across folders, refuses a symlinked folder, and reads after releasing")
  func directoryTreeReadsThroughTheCursor() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("roles/web/units/web.service", "[Service]\n")
    try scratch.write("roles/web/units/web.service.d/10-a.conf", "[Service]\nNice=1\n")
    try scratch.write("hosts/gemini/host.yaml", "roles: [web]\n")
    try scratch.write("elsewhere/secret", "not for reading\n")
    try FileManager.default.createSymbolicLink(
      atPath: scratch.join("roles/linked"), withDestinationPath: scratch.join("elsewhere"))
    let tree = DirectoryTree(path: scratch.path)
    #expect(try tree.contents(of: "roles/web/units/web.service", limit: 1024) == Array("[Service]\n".utf8))
    #expect(try tree.contents(of: "roles/web/units/web.service.d/10-a.conf", limit: 1024).count == 17)
    #expect(try tree.entries(of: "roles/web/units")?.map(\.name) == ["web.service", "web.service.d"])
    #expect(try tree.contents(of: "hosts/gemini/host.yaml", limit: 1024).count == 13)
    #expect(throws: SystemCallError.self) { try tree.contents(of: "roles/linked/secret", limit: 1024) }
    #expect(throws: StateTreeError.self) { try tree.contents(of: "roles/../elsewhere/secret", limit: 1024) }
    #expect(try tree.entries(of: "roles/missing") == nil)
    tree.releaseCaches()
    #expect(try tree.contents(of: "roles/web/units/web.service", limit: 1024).count == 10)
  }
}
