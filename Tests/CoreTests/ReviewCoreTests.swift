import Core
import Foundation
import TestSupport
import Testing

@Suite struct ReviewCoreTests {
  @Test func theSeedIsTheDebianFixture() throws {
    let fixture = "\(packageRoot)/Tests/Fixtures/debian12-etc"
    #expect(ReviewSeed.files.count == 7)
    for file in ReviewSeed.files {
      var text = try String(contentsOfFile: "\(fixture)/\(file.path.name)", encoding: .utf8)
      if file.path.name == "login.defs" {
        text =
          text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
          .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(
            separator: "\n") + "\n"
      }
      #expect(file.text == text, "\(file.path) differs from the fixture")
    }
  }

  @Test func passwordHashesAreRedactedFromObservations() throws {
    let hash =
      "$6$saltsalt$Zq2aX1m0oK9w3Q2nS7q1cVqjJkM7b8P0lC2sF4gH5jK6lM7nO8pQ9rS0tU1vW2xY3zA4bC5dE6"
    let observation = HostObservation(
      facts: HostFacts(name: "h", live: false, stateDirectory: HostPath("/var/lib/reconcile")!),
      ledger: Ledger(),
      observed: [
        "users": .object([
          "users": .array([.object(["name": .string("legacy"), "password": .string(hash)])]),
          "locked": .array([
            .string("!" + "$y$j9T$F5Jx5fExrKuJdA9ufnKVk.$Ls0DMbmU8ykDDZA4gwxkLJ7Q5sK1")
          ]),
          "comment": .string("costs $5 a month"), "unit": .string("ExecStart=/bin/echo $6$x$y"),
        ])
      ])
    let json = String(decoding: try observation.redactingPasswordHashes().json(), as: UTF8.self)
    #expect(!json.contains("$6$saltsalt") && !json.contains("$y$"))
    #expect(json.components(separatedBy: HostObservation.redacted).count == 3)
    #expect(
      json.contains("costs $5 a month") && json.contains("ExecStart=/bin/echo $6$x$y"),
      "text is kept")
  }
}
