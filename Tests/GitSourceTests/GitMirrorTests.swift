import GitSource
import Glibc
import SystemCalls
import TestSupport
import Testing

@Suite("GitMirror: fetching into a private bare mirror")
struct GitMirrorTests {
  @Test("the mirror is a private bare repository with reconcile's own configuration")
  func privateBareMirror() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    try remote.commit("One", files: ["a": "1"], signer: nil)
    let state = try scratch.sub("state")
    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    _ = try mirror.fetch()

    #expect(try sh("stat -c '%a %u' '\(mirror.path)'") == "700 \(geteuid())\n")
    #expect(try sh("git --git-dir='\(mirror.path)' rev-parse --is-bare-repository") == "true\n")
    #expect(try sh("ls '\(mirror.path)'").contains("index") == false)
    let config = try sh("cat '\(mirror.path)/config'")
    #expect(!config.contains("[remote"))
    #expect(!config.contains("url"))
    #expect(try sh("ls '\(mirror.path)'").contains("FETCH_HEAD") == false)
  }

  @Test("a tampered mirror configuration is rewritten before it can redirect a fetch")
  func tamperedConfiguration() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let elsewhere = try Remote(in: scratch, name: "elsewhere")
    let real = try remote.commit("Real", files: ["a": "1"], signer: nil)
    try elsewhere.commit("Impostor", files: ["a": "evil"], signer: nil)
    let state = try scratch.sub("state")
    _ = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    try sh(
      "printf '[url \"%s\"]\\n\\tinsteadOf = %s\\n[core]\\n\\thooksPath = /tmp\\n' "
        + "'\(elsewhere.path)' '\(remote.path)' >> '\(state)/git-mirror/config'")

    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    #expect(!(try sh("cat '\(state)/git-mirror/config'")).contains("insteadOf"))
    #expect(try mirror.fetch().tip == real)
  }

  @Test("a mirror directory open to others is refused")
  func looseMirrorDirectory() throws {
    let scratch = try ScratchDirectory()
    let state = try scratch.sub("state")
    try sh("mkdir -m 0755 '\(state)/git-mirror'")
    #expect {
      _ = try GitMirror(stateDirectory: state, url: "/nonexistent", branch: "main")
    } throws: { error in
      String(describing: error).contains("mode 755")
    }
  }

  @Test("a branch name that could change the refspec is refused")
  func badBranch() throws {
    let scratch = try ScratchDirectory()
    let state = try scratch.sub("state")
    for branch in ["main:refs/heads/x", "*", "a..b", "-x", ""] {
      #expect(throws: MirrorError.self) {
        _ = try GitMirror(stateDirectory: state, url: "/nonexistent", branch: branch)
      }
    }
  }

  @Test("a remote over git daemon fetches as well as a local path, and stays usable when gone")
  func gitDaemonAndRemoteGone() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let first = try remote.commit("One", files: ["hosts/a.yaml": "a\n"], signer: nil)
    let daemon = try GitDaemon(basePath: scratch.path, repository: "remote", scratch: scratch)
    let url = "git://127.0.0.1:\(daemon.port)/remote"

    let local = try GitMirror(
      stateDirectory: try scratch.sub("local"), url: remote.path, branch: "main")
    let overDaemon = try GitMirror(
      stateDirectory: try scratch.sub("daemon"), url: url, branch: "main")
    #expect(try local.fetch().tip == first)
    let fetched = try overDaemon.fetch()
    #expect(fetched.tip == first && fetched.previousTip == nil && fetched.receivedObjects > 0)

    let second = try remote.commit("Two", files: ["hosts/b.yaml": "b\n"], signer: nil)
    #expect(try local.fetch().tip == second)
    let again = try overDaemon.fetch()
    #expect(again.previousTip == first && again.tip == second && again.changed)
    let noop = try overDaemon.fetch()
    #expect(!noop.changed && noop.receivedObjects == 0)
    let recorded = try #require(try overDaemon.lastFetch())
    #expect(recorded.tip == second)

    daemon.stop()
    do {
      _ = try overDaemon.fetch()
      Issue.record("a fetch from a stopped daemon succeeded")
    } catch let error as MirrorError {
      #expect(error.description.contains(url))
      #expect(error.gitError?.call == "git_remote_connect")
      print("with the daemon stopped: \(error)")
    }
    // The mirror still serves the last fetched tip, and says how old it is.
    #expect(try overDaemon.tip() == second)
    let tree = try GitTree(mirror: overDaemon, commit: second)
    #expect(try tree.contents(of: "hosts/b.yaml", limit: 10) == Array("b\n".utf8))
    #expect(try overDaemon.lastFetch() == recorded)
    #expect(recorded.age(now: recorded.time + 90) == 90)
    #expect(recorded.age() >= 0 && recorded.age() < 60)
    // Reopening the mirror with the remote gone works too.
    let reopened = try GitMirror(
      stateDirectory: overDaemon.stateDirectory, url: url, branch: "main")
    #expect(try reopened.tip() == second)
  }

  @Test("a local remote that disappears leaves the mirror readable")
  func localRemoteGone() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let tip = try remote.commit("One", files: ["a": "1"], signer: nil)
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "main")
    _ = try mirror.fetch()
    try sh("rm -rf '\(remote.path)'")
    #expect(throws: MirrorError.self) { _ = try mirror.fetch() }
    #expect(try mirror.tip() == tip)
    #expect(try GitTree(mirror: mirror, commit: tip).contents(of: "a", limit: 10) == [49])
  }

  @Test("a local remote owned by another user fetches (libgit2 runs nothing from it)")
  func remoteOwnedByAnotherUser() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let tip = try remote.commit("One", files: ["a": "1"], signer: nil)
    try sh("chown -R nobody '\(remote.path)'")
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "main")
    #expect(try mirror.fetch().tip == tip)
  }

  @Test("a branch the remote does not have is a clear error")
  func missingBranch() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    try remote.commit("One", files: ["a": "1"], signer: nil)
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "prod")
    #expect {
      _ = try mirror.fetch()
    } throws: { error in
      String(describing: error).contains("the remote has no branch prod")
    }
  }

  @Test("hooks in the remote and in the mirror never run")
  func hooksNeverRun() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    try remote.commit("One", files: ["a": "1"], signer: nil)
    let canary = scratch.path + "/canary"
    let hook = "#!/bin/sh\necho \"$0\" >> '\(canary)'\n"
    let names = [
      "post-checkout", "post-merge", "pre-receive", "post-receive", "post-update",
      "reference-transaction", "pre-push", "pre-upload-pack",
    ]
    for name in names {
      let file = remote.path + "/.git/hooks/" + name
      try sh("printf '%s' '\(hook)' > '\(file)' && chmod 755 '\(file)'")
    }
    let state = try scratch.sub("state")
    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    _ = try mirror.fetch()
    for name in names {
      let file = mirror.path + "/hooks/" + name
      try sh("printf '%s' '\(hook)' > '\(file)' && chmod 755 '\(file)'")
    }
    // The test's own git commands run no hook either: the canary must stay absent until
    // the fetches, so any line in it comes from them.
    try sh("mv '\(remote.path)/.git/hooks' '\(scratch.path)/held-hooks'")
    let tip = try remote.commit("Two", files: ["a": "2"], signer: nil)
    try sh("mv '\(scratch.path)/held-hooks' '\(remote.path)/.git/hooks'")
    #expect(try mirror.fetch().tip == tip)
    _ = try GitTree(mirror: mirror, commit: tip).contents(of: "a", limit: 10)

    // Make sure the hooks would have fired: git itself runs the mirror's hook on a ref update.
    #expect(access(canary, F_OK) != 0, "a hook ran during the fetch")
    try sh("git --git-dir='\(mirror.path)' update-ref refs/heads/probe \(tip.hex)")
    #expect(
      access(canary, F_OK) == 0, "the planted hook is not runnable, so the test proves nothing")
  }

  @Test("a fetch with nothing new writes no object, and takes milliseconds")
  func noopFetch() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    for index in 0..<20 {
      try remote.commit("Commit \(index)", files: ["f\(index % 5)": "\(index)"], signer: nil)
    }
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"), url: remote.path, branch: "main")
    let first = try mirror.fetch()
    #expect(first.receivedObjects > 0)

    let objects = mirror.path + "/objects"
    let listing = { try sh("cd '\(objects)' && find . -printf '%p %s %T@\\n' | sort") }
    let before = try listing()
    let countBefore = try fileCount(objects)
    var times: [Double] = []
    for _ in 0..<25 {
      let start = monotonic()
      let result = try mirror.fetch()
      times.append(monotonic() - start)
      #expect(!result.changed && result.receivedObjects == 0 && result.receivedBytes == 0)
    }
    #expect(try fileCount(objects) == countBefore)
    #expect(try listing() == before)
    times.sort()
    let median = times[times.count / 2] * 1000
    let (fastest, slowest) = (times[0] * 1000, times[times.count - 1] * 1000)
    print("no-op fetch from a local path: median \(median) ms, min \(fastest), max \(slowest)")
    #expect(median < 50)

    // What a run pays: open the mirror (checking its directory and configuration), then fetch.
    var runs: [Double] = []
    for _ in 0..<25 {
      let start = monotonic()
      let reopened = try GitMirror(
        stateDirectory: mirror.stateDirectory, url: remote.path, branch: "main")
      #expect(try !reopened.fetch().changed)
      runs.append(monotonic() - start)
    }
    runs.sort()
    print("open + no-op fetch from a local path: median \(runs[runs.count / 2] * 1000) ms")
    #expect(try fileCount(objects) == countBefore)

    // A tree readable at once from the mirror, without any other object write.
    _ = try GitTree(mirror: mirror, commit: first.tip).entries(of: "")
    #expect(try fileCount(objects) == countBefore)
  }

  @Test("the last applied commit is stored root-only and atomically, and read back")
  func lastApplied() throws {
    let scratch = try ScratchDirectory()
    let state = try scratch.sub("state")
    #expect(try LastApplied.load(from: state) == nil)
    let commit = ObjectID(hex: String(repeating: "ab", count: 20))!
    try LastApplied.store(LastApplied(commit: commit), in: state)
    #expect(try LastApplied.load(from: state) == LastApplied(commit: commit))
    #expect(try sh("stat -c '%a %u' '\(state)/\(LastApplied.fileName)'") == "600 \(geteuid())\n")
    #expect(try sh("ls -A '\(state)'") == "\(LastApplied.fileName)\n")  // no temporary left

    try sh("chmod 666 '\(state)/\(LastApplied.fileName)'")
    #expect(throws: StateFileError.self) { _ = try LastApplied.load(from: state) }
    let record = state + "/" + LastApplied.fileName
    try sh("chmod 600 '\(record)' && echo nonsense > '\(record)'")
    #expect(throws: StateFileError.self) { _ = try LastApplied.load(from: state) }
  }
}

/// Seconds on the monotonic clock.
func monotonic() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
