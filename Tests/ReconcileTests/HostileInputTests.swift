import Foundation
import TestSupport
import Testing

/// The hostile-input corpus (HostileCorpus/, made by its generate.py): broken and malicious
/// repositories. For each: exit 1, every expected diagnostic with its file and line, and the
/// host root byte for byte unchanged.
@Suite struct HostileInputTests {
  static let corpus = "\(packageRoot)/Tests/ReconcileTests/HostileCorpus"

  static var cases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { $0.first?.isNumber == true }
      .sorted()
  }

  @Test func theCorpusIsLargeEnough() {
    #expect(Self.cases.count >= 50)
  }

  @Test(arguments: cases)
  func isRefusedWithItsDiagnosticAndChangesNothing(name: String) throws {
    let lines = try String(contentsOfFile: "\(Self.corpus)/\(name)/expected.txt", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let scratch = try ScratchDirectory("hostile")
    try scratch.copy(from: "\(Self.corpus)/\(name)/repo", to: "repo")
    var expected = Array(lines.dropFirst())
    if let huge = expected.first, huge.hasPrefix("huge ") {
      expected.removeFirst()
      // Too large to commit: a 2 MiB file made here.
      let path = scratch.join("repo/" + huge.dropFirst(5))
      try Data(String(repeating: "# padding line of a very large file\n", count: 60_000).utf8).write(
        to: URL(fileURLWithPath: path))
    }
    let root = try scratch.sub("root")
    try scratch.write("root/etc/systemd/system/keep.service", "[Service]\nExecStart=/bin/true\n")
    let before = try TreeSnapshot(root)
    for command in ["plan", "apply"] {
      let result = try TestCommand.reconcile([
        command, "--repo", scratch.join("repo"), "--host", "gemini", "--root", root,
      ])
      #expect(result.status == 1, "\(command) of \(name) exited \(result.status)\n\(result.stderr)")
      for line in expected {
        #expect(result.stderr.contains(line), "\(name): missing '\(line)' in:\n\(result.stderr)")
      }
      #expect(!result.stderr.contains("internal error"))
    }
    let check = try TestCommand.reconcile(["check", scratch.join("repo")])
    #expect(check.status == 1, "check of \(name)")
    #expect(try TreeSnapshot(root).differences(from: before) == [], "\(name) changed the root")
  }
}
