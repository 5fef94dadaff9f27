import GitSource
import Glibc
import SystemCalls
import TestSupport
import Testing

@Suite("GitMirror: a hung remote, and the fetch record of no-op fetches")
struct FetchDeadlineTests {
  @Test("a remote that accepts and never answers fails within the timeout; the mirror is kept")
  func hungRemote() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let tip = try remote.commit("One", files: ["hosts/a.yaml": "a\n"], signer: nil)
    let state = try scratch.sub("state")
    _ = try GitMirror(stateDirectory: state, url: remote.path, branch: "main").fetch()
    let record = try sh("cat '\(state)/\(GitMirror.lastFetchFileName)'")
    let objects = try sh("cd '\(state)/git-mirror' && find . -printf '%p %s\\n' | sort")

    let server = try SilentServer()
    let url = "git://127.0.0.1:\(server.port)/remote"
    let hung = try GitMirror(stateDirectory: state, url: url, branch: "main")
    let start = monotonic()
    do {
      _ = try hung.fetch(timeout: 1)
      Issue.record("a fetch from a silent server succeeded")
    } catch let error as MirrorError {
      let text = error.description
      print("hung remote: \(text)")
      #expect(text.contains(url) && text.contains("did not finish within 1 s"))
      #expect(text.contains("the mirror keeps \(tip.short)"))
    }
    let elapsed = monotonic() - start
    #expect(elapsed >= 1 && elapsed < 3, "took \(elapsed) s")

    // Intact: same tip, same objects, same record, the tree still reads.
    #expect(try hung.tip() == tip)
    #expect(try sh("cd '\(state)/git-mirror' && find . -printf '%p %s\\n' | sort") == objects)
    #expect(try sh("cat '\(state)/\(GitMirror.lastFetchFileName)'") == record)
    let tree = try GitTree(mirror: hung, commit: tip)
    #expect(try tree.contents(of: "hosts/a.yaml", limit: 10) == Array("a\n".utf8))

    // The deadline is gone with the fetch: later blocking calls are not interrupted.
    usleep(300_000)
    #expect(try sh("sleep 0.3; echo done") == "done\n")
    #expect(try GitMirror(stateDirectory: state, url: remote.path, branch: "main").fetch().tip == tip)
  }

  /// A remote that accepts and never speaks, over one transport: the URL's scheme, the
  /// fetch's timeout, and how long the failure may take at most.
  struct SilentRemote: Sendable, CustomStringConvertible {
    var scheme: String
    var timeout: Double
    var bound: Double
    var description: String { scheme }
    /// The timeout as the error message writes it (`0.5 s`, `1 s`).
    var shown: String { timeout.rounded() == timeout ? "\(Int(timeout)) s" : "\(timeout) s" }
  }

  @Test(
    "a first fetch from a silent remote fails in time, leaves an empty mirror and no timer",
    arguments: [
      SilentRemote(scheme: "git", timeout: 0.5, bound: 2.5),
      SilentRemote(scheme: "https", timeout: 1, bound: 3),
      SilentRemote(scheme: "ssh", timeout: 1, bound: 3),
    ])
  func silentRemoteFirstFetch(_ silent: SilentRemote) throws {
    let scratch = try ScratchDirectory()
    let server = try SilentServer()
    let user = silent.scheme == "ssh" ? "root@" : ""
    let mirror = try GitMirror(
      stateDirectory: try scratch.sub("state"),
      url: "\(silent.scheme)://\(user)127.0.0.1:\(server.port)/r", branch: "main",
      access: RemoteAccess(knownHosts: [scratch.join("known_hosts")]))
    let start = monotonic()
    #expect {
      _ = try mirror.fetch(timeout: silent.timeout)
    } throws: { error in
      String(describing: error).contains("did not finish within \(silent.shown)")
        && String(describing: error).contains("the mirror stays empty")
    }
    let elapsed = monotonic() - start
    #expect(elapsed >= silent.timeout && elapsed < silent.bound, "took \(elapsed) s")
    #expect(try mirror.tip() == nil)
    #expect(try mirror.lastFetch() == nil)
    // The deadline's timer is gone (it carries the port as its signal value): it would
    // otherwise go on interrupting this thread every 100 ms. Timer 0 was once left running.
    let timers = try sh("cat /proc/\(getpid())/timers")
    let values = timers.split(separator: "\n").filter { $0.hasPrefix("signal: \(SIGURG)/") }
      .compactMap { UInt64($0.split(separator: "/").last ?? "", radix: 16) }
    #expect(!values.contains(UInt64(server.port)))
  }

  @Test("a no-op fetch leaves a current record alone and rewrites one older than the resolution")
  func recordResolution() throws {
    let scratch = try ScratchDirectory()
    let remote = try Remote(in: scratch)
    let tip = try remote.commit("One", files: ["a": "1"], signer: nil)
    let state = try scratch.sub("state")
    let mirror = try GitMirror(stateDirectory: state, url: remote.path, branch: "main")
    _ = try mirror.fetch(recordResolution: 600)
    let path = state + "/" + GitMirror.lastFetchFileName
    let first = try #require(try mirror.lastFetch())
    #expect(first.tip == tip && first.age() < 60)
    let inode = { try sh("stat -c '%i %Y' '\(path)'") }

    // Younger than the resolution: nothing is written, not even the record.
    let before = try inode()
    #expect(try !mirror.fetch(recordResolution: 600).changed)
    #expect(try inode() == before)
    #expect(try mirror.lastFetch() == first)

    // Older than the resolution (here: written 601 s ago), or from the future: rewritten.
    for time in [first.time - 601, first.time + 3600] {
      try sh("printf '%s %s\\n' \(time) \(tip.hex) > '\(path)'")
      _ = try mirror.fetch(recordResolution: 600)
      let now = try #require(try mirror.lastFetch())
      #expect(now.tip == tip && now.age() >= 0 && now.age() < 60)
    }
    // A record of another tip is rewritten even when young; resolution 0 always rewrites.
    let other = String(repeating: "ab", count: 20)
    try sh("printf '%s %s\\n' \(first.time) \(other) > '\(path)'")
    _ = try mirror.fetch(recordResolution: 600)
    #expect(try mirror.lastFetch()?.tip == tip)
    let current = try inode()
    _ = try mirror.fetch()
    #expect(try inode().split(separator: " ").first != current.split(separator: " ").first)
  }
}
