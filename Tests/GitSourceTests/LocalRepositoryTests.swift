import Core
import GitSource
import TestSupport
import Testing

@Suite("LocalRepository: commits of a repository on this machine, for review")
struct LocalRepositoryTests {
  let scratch: ScratchDirectory
  let remote: Remote
  let first: ObjectID
  let second: ObjectID

  init() throws {
    scratch = try ScratchDirectory()
    remote = try Remote(in: scratch)
    first = try remote.commit(
      "One", files: ["state/hosts/a.yaml": "roles: []\n", "README": "x\n"], signer: nil)
    second = try remote.commit("Two", files: ["state/hosts/b.yaml": "roles: []\n"], signer: nil)
    try remote.git("tag", "-a", "-m", "first", "v1", first.hex)
  }

  @Test("revisions resolve as git resolves them; annotated tags are peeled to their commit")
  func revisions() throws {
    let repository = try LocalRepository(path: remote.path)
    #expect(try repository.commit("main") == second)
    #expect(try repository.commit("HEAD") == second)
    #expect(try repository.commit("HEAD~1") == first)
    #expect(try repository.commit("main^") == first)
    #expect(try repository.commit(first.hex) == first)
    #expect(try repository.commit(String(first.hex.prefix(10))) == first)
    #expect(try repository.commit("v1") == first)
    let error = #expect(throws: LocalRepositoryError.self) { try repository.commit("nope") }
    #expect(error?.description.hasPrefix("finding the commit 'nope' in ") == true)
    #expect(error?.description.contains("git_revparse_single failed") == true)
  }

  @Test("trees are read from objects, rooted at the folder the repository was opened on")
  func folders() throws {
    let whole = try LocalRepository(path: remote.path)
    #expect(whole.folder == "")
    #expect(try whole.tree(at: second).entries(of: "")?.map(\.name) == ["README", "state"])

    let state = try LocalRepository(path: remote.path + "/state/hosts/..")
    #expect(state.folder == "state")
    let tree = try state.tree(at: second)
    #expect(tree.origin == "commit \(second.short):state")
    #expect(try tree.entries(of: "hosts")?.map(\.name) == ["a.yaml", "b.yaml"])
    #expect(try tree.contents(of: "hosts/a.yaml", limit: 100) == Array("roles: []\n".utf8))
    // The folder at an older commit, and a commit where it does not exist.
    #expect(try state.tree(at: first).entries(of: "hosts")?.map(\.name) == ["a.yaml"])
    try remote.git("rm", "-q", "-r", "state")
    let third = try remote.commit("Three", files: [:], signer: nil)
    #expect(throws: LocalRepositoryError.self) { try state.tree(at: third) }
  }

  @Test("a bare repository opens too; a folder outside any repository is refused")
  func bareAndNone() throws {
    let bare = try scratch.sub("bare.git", directory: false)
    try run(["git", "clone", "-q", "--bare", remote.path, bare])
    let repository = try LocalRepository(path: bare)
    #expect(repository.folder == "")
    #expect(try repository.commit("main") == second)
    let none = try scratch.sub("none")
    #expect(throws: LocalRepositoryError.self) { try LocalRepository(path: none) }
  }
}
