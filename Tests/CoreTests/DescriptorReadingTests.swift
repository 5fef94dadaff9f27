import Foundation
import SystemCalls
import TestSupport
import Testing

@testable import Core

/// The reading calls that observing a host makes thousands of times: a folder listed with
/// `getdents64` from its start, a file read in one call when its size is known, and
/// `RootedFileSystem.find`, which opens a path once to learn what is there.
@Suite struct DescriptorReadingTests {
  @Test("a folder of many names, long and short, lists as Foundation lists it, twice over the same descriptor")
  func listsEveryName() throws {
    let scratch = try ScratchDirectory()
    var generator = SystemRandomNumberGenerator()
    var expected: Set<String> = []
    while expected.count < 1500 {
      let length = Int.random(in: 1...200, using: &generator)
      var name = String((0..<length).map { _ in "abcdefghij-_.é0123".randomElement(using: &generator)! })
      if name == "." || name == ".." || name.utf8.count > 250 { continue }
      name = name.replacingOccurrences(of: "/", with: "_")
      expected.insert(name)
    }
    for name in expected { try scratch.write(name, "") }
    let folder = try Descriptor.open(scratch.path, flags: OpenFlags.readOnly | OpenFlags.directory)
    let foundation = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
    #expect(try folder.entries() == foundation)
    #expect(try folder.entries() == expected.sorted())
    let empty = try ScratchDirectory()
    #expect(try Descriptor.open(empty.path, flags: OpenFlags.readOnly | OpenFlags.directory).entries() == [])
  }

  @Test("a file is read whole whatever size it is said to have: exact, stale, zero, large")
  func readsWholeFileWithAnySize() throws {
    let scratch = try ScratchDirectory()
    let text = "hello, world\n"
    try scratch.write("small", text)
    let large = String(repeating: "0123456789abcdef", count: 10_000)
    try scratch.write("large", large)
    func read(_ name: String, size: Int?, limit: Int = .max) throws -> String {
      let fd = try Descriptor.open(scratch.join(name), flags: OpenFlags.readOnly)
      return String(decoding: try fd.readAll(limit: limit, size: size), as: UTF8.self)
    }
    // Exact; grown since its status (said smaller); shrunk (said larger); unknown (as /proc).
    for size in [13, 5, 1, 40, 0, nil] { #expect(try read("small", size: size) == text, "\(String(describing: size))") }
    for size in [160_000, 100, 200_000, 0] { #expect(try read("large", size: size) == large, "\(size)") }
    // The limit holds when the file has grown past it since its status.
    #expect(throws: SystemCallError.self) { try read("small", size: 10, limit: 10) }
    #expect(throws: SystemCallError.self) { try read("large", size: 1000, limit: 100_000) }
    #expect(try read("small", size: 13, limit: 13) == text)
  }

  @Test("find opens a path once: a file's bytes, a symlink's target, something else, or nothing")
  func findsWhatIsThere() throws {
    let scratch = try ScratchDirectory()
    try scratch.write("etc/unit.service", "[Service]\nExecStart=/bin/true\n", mode: 0o640)
    try FileManager.default.createSymbolicLink(atPath: scratch.join("etc/link"), withDestinationPath: "/dev/null")
    try FileManager.default.createDirectory(atPath: scratch.join("etc/folder"), withIntermediateDirectories: true)
    #expect(mkfifo(scratch.join("etc/fifo"), 0o600) == 0)
    let fs = try RootedFileSystem(root: scratch.path)
    guard case .file(let bytes, let status)? = try fs.find(HostPath("/etc/unit.service")!) else {
      Issue.record("a regular file is not found as one")
      return
    }
    #expect(String(decoding: bytes, as: UTF8.self) == "[Service]\nExecStart=/bin/true\n")
    #expect(status.kind == .regular && status.mode & 0o777 == 0o640)
    guard case .symlink(let target)? = try fs.find(HostPath("/etc/link")!) else {
      Issue.record("a symlink is not found as one")
      return
    }
    #expect(target == "/dev/null")
    for other in ["/etc/folder", "/etc/fifo"] {
      guard case .other? = try fs.find(HostPath(other)!) else {
        Issue.record("\(other) is not found as something else")
        continue
      }
    }
    #expect(try fs.find(HostPath("/etc/missing")!) == nil)
    #expect(try fs.find(HostPath("/missing/unit.service")!) == nil)
    #expect(throws: FileSystemError.self) { try fs.find(HostPath("/etc/unit.service")!, limit: 4) }
    // readlinkat alone says what is not a symlink.
    #expect(try fs.symlinkTarget(HostPath("/etc/link")!) == "/dev/null")
    #expect(try fs.symlinkTarget(HostPath("/etc/unit.service")!) == nil)
    #expect(try fs.symlinkTarget(HostPath("/etc/missing")!) == nil)
  }
}
