import Core
import Foundation
import GitSource
import TestSupport
import Testing

@Suite("GitTree: the desired state read from git objects")
struct GitTreeTests {
  /// A remote with one commit holding every kind of entry, fetched into a mirror.
  func fixture() throws -> TreeFixture {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let sub = try Remote(in: scratch, name: "sub")
    let subCommit = try sub.commit("Sub", files: ["x": "x"], signer: nil)
    try remote.commit(
      "Everything",
      files: [
        "hosts/gemini.yaml": "roles: [node]\n", "roles/node/units/a.service": "[Unit]\n",
        "roles/node/bin/run": "#!/bin/sh\n",
      ], signer: nil)
    try remote.git("update-index", "--chmod=+x", "roles/node/bin/run")
    try sh("ln -s /etc/shadow '\(remote.path)/roles/node/shadow'")
    try remote.git("add", "roles/node/shadow")
    try remote.git("update-index", "--add", "--cacheinfo", "160000,\(subCommit.hex),vendor/sub")
    try remote.git("commit", "-q", "--no-gpg-sign", "-m", "Kinds")
    let state = try scratch.sub("state")
    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    let tip = try mirror.fetch().tip
    return TreeFixture(scratch: scratch, mirror: mirror, tip: tip)
  }

  @Test("entries keep git's file modes; symlinks and submodules are reported with their path")
  func entryKinds() throws {
    let fixture = try fixture()
    let (mirror, tip) = (fixture.mirror, fixture.tip)
    let tree = try GitTree(mirror: mirror, commit: tip)
    #expect(tree.origin == "commit \(tip.short)")

    let root = try #require(try tree.entries(of: ""))
    #expect(root.map(\.name) == ["hosts", "roles", "vendor"])
    #expect(root.allSatisfy { $0.kind == .directory })
    #expect(try tree.entries(of: "vendor") == [TreeEntry(name: "sub", kind: .submodule)])

    let node = try #require(try tree.entries(of: "roles/node"))
    #expect(node.map(\.name) == ["bin", "shadow", "units"])
    #expect(node.first { $0.name == "shadow" }?.kind == .symlink)
    // Kinds come from the tree's modes; no blob is read to list a folder, so no size.
    #expect(try tree.entries(of: "roles/node/bin") == [TreeEntry(name: "run", kind: .executable)])
    #expect(try tree.entries(of: "hosts/") == [TreeEntry(name: "gemini.yaml", kind: .file)])
  }

  @Test("contents are read from the blob; symlinks, submodules and oversized files are refused")
  func contents() throws {
    let fixture = try fixture()
    let (mirror, tip) = (fixture.mirror, fixture.tip)
    let tree = try GitTree(mirror: mirror, commit: tip)
    #expect(try tree.contents(of: "hosts/gemini.yaml", limit: 100) == Array("roles: [node]\n".utf8))
    #expect(try tree.contents(of: "roles/node/bin/run", limit: 100) == Array("#!/bin/sh\n".utf8))

    func refusal(_ path: String, limit: Int = 1 << 20) -> String? {
      do {
        _ = try tree.contents(of: path, limit: limit)
        return nil
      } catch let error as StateTreeError {
        return error.path == path ? error.reason : "wrong path \(error.path)"
      } catch {
        return "unexpected \(error)"
      }
    }
    #expect(refusal("roles/node/shadow") == "is a symlink, not a regular file")
    #expect(refusal("vendor/sub") == "is a submodule, not a regular file")
    #expect(refusal("hosts") == "is a directory, not a regular file")
    #expect(refusal("hosts/gemini.yaml", limit: 13)?.contains("more than the limit of 13") == true)
    #expect(refusal("hosts/missing.yaml")?.contains("no such file") == true)
    #expect(refusal("../etc/passwd") == "path leaves the repository")
  }

  @Test("a missing directory, or a path that is a file, has no entries")
  func missingDirectories() throws {
    let fixture = try fixture()
    let (mirror, tip) = (fixture.mirror, fixture.tip)
    let tree = try GitTree(mirror: mirror, commit: tip)
    #expect(try tree.entries(of: "nope") == nil)
    #expect(try tree.entries(of: "hosts/gemini.yaml") == nil)
    #expect(try tree.entries(of: "roles/node/shadow") == nil)
  }

  @Test("listings and contents match the work tree, in byte order, however often read or released")
  func matchesWorkTree() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    // git orders the folder "a" as "a/": after "a.b", before "a0". The loader wants "a" first.
    var files: [String: String] = ["a.b": "dot\n", "a0": "zero\n", "a/x": "x\n", "a/y/z": "z\n"]
    for index in 0..<120 { files["many/f\(index)"] = "file \(index)\n" }
    let tip = try remote.commit("Order", files: files, signer: nil)
    let state = try scratch.sub("state")
    do {  // fetched by a mirror of its own, which keeps the packs it wrote open until it goes
      _ = try GitMirror(stateDirectory: state, url: remote.path, branch: "main").fetch()
    }
    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    let tree = try GitTree(mirror: mirror, commit: tip)
    let folder = DirectoryTree(path: remote.path)

    #expect(try tree.entries(of: "")?.map(\.name) == ["a", "a.b", "a0", "many"])
    for round in 0..<3 {
      if round == 2 {
        // Released, the tree holds no listing and maps no pack of the mirror; reads still work.
        _ = try tree.contents(of: "many/f7", limit: 100)
        #expect(try Self.mappedPacks(of: mirror) > 0)
        tree.releaseCaches()
        #expect(try Self.mappedPacks(of: mirror) == 0)
      }
      for directory in ["", "a", "a/y", "many", "a/", "/a/y/"] {
        let fromGit = try #require(try tree.entries(of: directory), "round \(round)")
        let fromDisk = try #require(try folder.entries(of: directory))
        #expect(
          fromGit.map(\.name)
            == fromDisk.map(\.name).sorted {
              $0.utf8.lexicographicallyPrecedes($1.utf8)
            })
        #expect(
          fromGit.map(\.kind)
            == fromGit.map { entry in
              fromDisk.first { $0.name == entry.name }!.kind
            })
      }
      for (path, text) in files {
        #expect(try tree.contents(of: path, limit: 100) == Array(text.utf8))
      }
    }
    #expect(try tree.entries(of: "a.b") == nil)
    #expect(try tree.entries(of: "a/x/nope") == nil)
    #expect(throws: StateTreeError.self) { _ = try tree.contents(of: "", limit: 100) }
    #expect(throws: StateTreeError.self) { _ = try tree.contents(of: "a/nope", limit: 100) }
  }

  /// How many of this process's mappings are files of the mirror's packs: the most of five
  /// reads of /proc/self/maps, which the kernel makes in pieces and can miss a line of while
  /// other tests' threads map and unmap memory.
  static func mappedPacks(of mirror: GitMirror) throws -> Int {
    try (0..<5).map { _ in
      // Read to its end: the file's size reads as 0, and it can be long in a busy process.
      let maps = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps"))
      defer { try? maps.close() }
      return String(decoding: try maps.readToEnd() ?? Data(), as: UTF8.self)
        .split(separator: "\n").filter { $0.contains(mirror.path + "/objects/pack/") }.count
    }.max() ?? 0
  }

  @Test("reading the tree writes nothing to the mirror")
  func readsOnly() throws {
    let fixture = try fixture()
    let (mirror, tip) = (fixture.mirror, fixture.tip)
    let before = try sh("cd '\(mirror.path)' && find . -printf '%p %s %T@\\n' | sort")
    let tree = try GitTree(mirror: mirror, commit: tip)
    _ = try tree.entries(of: "roles/node")
    _ = try tree.contents(of: "hosts/gemini.yaml", limit: 100)
    let after = try sh("cd '\(mirror.path)' && find . -printf '%p %s %T@\\n' | sort")
    #expect(before == after)
  }
}

/// Keeps the scratch directory alive as long as the mirror in it is used.
struct TreeFixture {
  let scratch: ScratchDirectory
  let mirror: GitMirror
  let tip: ObjectID
}
