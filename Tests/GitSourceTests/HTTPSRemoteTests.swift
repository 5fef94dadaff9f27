import GitSource
import Glibc
import SystemCalls
import TestSupport
import Testing

/// Fetching over `https://` from `git http-backend` behind a real TLS server on loopback,
/// whose certificate a private authority made in the test signed.
@Suite("GitMirror over https: certificate authorities")
struct HTTPSRemoteTests {
  /// A bare remote with one commit under `served/`, and a TLS server for it.
  struct Setup {
    let scratch: ScratchDirectory
    let tip: ObjectID
    let server: HTTPSServer
    let state: String

    init(certificateName: String = "localhost") throws {
      scratch = try ScratchDirectory()
      let remote = try Remote(in: scratch)
      tip = try remote.commit("One", files: ["hosts/a.yaml": "a\n"], signer: nil)
      let served = try scratch.sub("served")
      try run(["git", "clone", "-q", "--bare", remote.path, served + "/state.git"])
      server = try HTTPSServer(root: served, scratch: scratch, certificateName: certificateName)
      state = try scratch.sub("state")
    }

    func mirror(authorities: String?) throws -> GitMirror {
      try GitMirror(
        stateDirectory: state, url: server.url("state.git"), branch: "main",
        access: RemoteAccess(certificateAuthorities: authorities))
    }
  }

  @Test("with the private authority configured the fetch succeeds; with the system's it fails")
  func privateAuthority() throws {
    let setup = try Setup()
    let refused = try setup.mirror(authorities: nil)
    do {
      _ = try refused.fetch()
      Issue.record("a certificate from an unknown authority was accepted")
    } catch {
      let text = String(describing: error)
      print("unknown authority: \(text)")
      #expect(text.contains(setup.server.url("state.git")))
      #expect(text.contains("certificate is invalid") && text.contains("SSL"))
    }
    #expect(try refused.tip() == nil)

    let result = try setup.mirror(authorities: setup.server.authority).fetch()
    #expect(result.tip == setup.tip && result.receivedObjects > 0)

    // Back to the system's authorities in the same process: refused again.
    #expect(throws: MirrorError.self) { _ = try setup.mirror(authorities: nil).fetch() }
  }

  @Test("a certificate for another name is refused even from the configured authority")
  func wrongName() throws {
    let setup = try Setup(certificateName: "git.example.org")
    do {
      _ = try setup.mirror(authorities: setup.server.authority).fetch()
      Issue.record("a certificate for another host name was accepted")
    } catch {
      let text = String(describing: error)
      print("wrong name: \(text)")
      #expect(text.contains("certificate is invalid") && text.contains("CN"))
    }
  }

  @Test("an authority file that does not exist fails the fetch, naming it")
  func missingAuthorityFile() throws {
    let setup = try Setup()
    let missing = setup.scratch.join("no-such-ca.pem")
    #expect {
      _ = try setup.mirror(authorities: missing).fetch()
    } throws: { error in
      String(describing: error).contains(missing)
        && String(describing: error).contains("failed to load CA certificates")
    }
  }
}
