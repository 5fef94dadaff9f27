import Core
import Testing

@Suite struct HostPathTests {
  @Test("absolute paths of valid components parse; one trailing slash is dropped")
  func parsing() throws {
    let path = try #require(HostPath("/etc/systemd/system/report.timer"))
    #expect(path.description == "/etc/systemd/system/report.timer")
    #expect(path.components == ["etc", "systemd", "system", "report.timer"])
    #expect(path.name == "report.timer")
    #expect(path.parent == HostPath("/etc/systemd/system"))
    #expect(!path.isRoot)
    #expect(HostPath("/etc/")?.description == "/etc")
    #expect(HostPath("/etc/") == HostPath("/etc"))
    for text in ["/...", "/.x/..y", "/é/ü ß", "/" + String(repeating: "x", count: 255), "/a/b/c/"] {
      #expect(HostPath(text) != nil, "\(text.debugDescription)")
    }
    #expect(HostPath("/a/b/c/")?.components == ["a", "b", "c"])
  }

  @Test("relative, empty, dot, dot-dot, doubled-slash and NUL paths are refused")
  func refused() {
    for text in [
      "", "/", "etc", "/etc//x", "/etc/./x", "/etc/../x", "/..", "/etc//", "/a\0b", "/etc/\0", "//", "/./", "/a/..",
    ] {
      #expect(HostPath(text) == nil, "\(text.debugDescription)")
    }
    #expect(HostPath("/" + String(repeating: "x", count: 256)) == nil)
  }

  @Test("the root: no components, its own parent, named /")
  func root() {
    #expect(HostPath.root.isRoot)
    #expect(HostPath.root.components.isEmpty)
    #expect(HostPath.root.parent == .root)
    #expect(HostPath.root.name == "/")
    #expect(HostPath.root.description == "/")
    #expect(HostPath.root.child("etc") == HostPath("/etc"))
    #expect(HostPath("/etc")?.parent == .root)
  }

  @Test("children are checked; paths order and compare by their text")
  func childrenAndOrder() throws {
    let etc = try #require(HostPath("/etc"))
    #expect(etc.appending("passwd") == HostPath("/etc/passwd"))
    #expect(etc.appending("..") == nil)
    #expect(etc.appending("a/b") == nil)
    #expect(etc.child("x").child("y").components == ["etc", "x", "y"])
    let sorted = ["/etc/b", "/etc", "/etc/a/z", "/bin"].compactMap(HostPath.init).sorted()
    #expect(sorted.map(\.description) == ["/bin", "/etc", "/etc/a/z", "/etc/b"])
    #expect(Set([etc, etc.child("x").parent]).count == 1)
    #expect(HostPath.root.child("é").child("a b").description == "/é/a b")
  }

  @Test("a component is one name: not empty, not . or .., no slash or NUL, at most 255 bytes")
  func components() {
    for name in ["a", "...", ".a", "a.", "..a", "é", String(repeating: "x", count: 255), "a b"] {
      #expect(HostPath.isValidComponent(name), "\(name)")
      #expect(HostPath.isValidComponent(Substring(name)), "\(name)")
      #expect(HostPath("/etc/" + name)?.name == name)
    }
    let tooLong = String(repeating: "é", count: 128)
    for name in ["", ".", "..", "a/b", "/", "a\0", String(repeating: "x", count: 256), tooLong] {
      #expect(!HostPath.isValidComponent(name), "\(name.debugDescription)")
      #expect(HostPath("/etc").flatMap { $0.appending(name) } == nil)
    }
  }
}
