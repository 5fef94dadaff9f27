import Glibc
import SystemCalls
import TestSupport
import Testing

@testable import GitSource

@Suite("KnownHosts: the known_hosts format, and the hashes behind it")
struct KnownHostsTests {
  @Test("SHA-1 and base64 agree with sha1sum and base64 at every padding boundary")
  func digests() throws {
    let scratch = try ScratchDirectory()
    for length in [0, 1, 2, 3, 55, 56, 63, 64, 65, 1000] {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
      bytes.withUnsafeBytes { buffer in
        let fd = open(scratch.join("data"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        #expect(write(fd, buffer.baseAddress, buffer.count) == buffer.count)
      }
      let expected = try sh("sha1sum '\(scratch.join("data"))'").prefix(40)
      let digest = SHA1.digest(bytes).map { String($0, radix: 16) }
        .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
      #expect(digest == expected, "length \(length)")
      let encoded = try sh("base64 -w0 '\(scratch.join("data"))'")
      #expect(Base64.encode(bytes) == encoded, "length \(length)")
      #expect(Base64.decode(encoded) == bytes, "length \(length)")
    }
    #expect(Base64.decode("not base64!") == nil)
  }

  @Test("HMAC-SHA1 matches openssl")
  func hmac() throws {
    let key = Array("a salt of twenty b".utf8)
    let expected = try sh(
      "printf '[h]:2222' | openssl dgst -sha1 -mac HMAC -macopt 'key:a salt of twenty b'"
    ).split(separator: " ").last.map { String($0).trimmingCharacters() }
    let mine = SHA1.hmac(key: key, message: Array("[h]:2222".utf8))
      .map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    #expect(mine == expected)
  }

  @Test("host patterns: names, [host]:port, wildcards, negation, case")
  func patterns() {
    let name = KnownHosts.name(host: "Git.Example.org", port: 2222)
    #expect(name == "[git.example.org]:2222")
    #expect(KnownHosts.name(host: "git.example.org", port: 22) == "git.example.org")
    #expect(KnownHosts.matches("other,[git.example.org]:2222", name: name))
    #expect(!KnownHosts.matches("git.example.org", name: name))
    #expect(KnownHosts.matches("[*.example.org]:2222", name: name))
    #expect(KnownHosts.matches("*", name: name))
    #expect(!KnownHosts.matches("*,![git.*]:2222", name: name))
    #expect(KnownHosts.matches("GIT.example.ORG", name: "git.example.org"))
    #expect(KnownHosts.matches("git.example.or?", name: "git.example.org"))
    #expect(!KnownHosts.matches("|2|abc|def", name: "git.example.org"))
  }

  @Test("ports of remote URLs")
  func ports() {
    #expect(RemoteAccess.port(of: "ssh://git@host:2222/x") == 2222)
    #expect(RemoteAccess.port(of: "ssh://git@host/x") == 22)
    #expect(RemoteAccess.port(of: "ssh://user@[::1]:2200/x") == 2200)
    #expect(RemoteAccess.port(of: "git@host:ops/state.git") == 22)
    #expect(RemoteAccess.port(of: "https://host/x") == 443)
    #expect(RemoteAccess.port(of: "git://host:9000/x") == 9000)
    #expect(RemoteAccess.port(of: "/srv/state.git") == nil)
    #expect(RemoteAccess.port(of: "file:///srv/state.git") == nil)
  }
}
