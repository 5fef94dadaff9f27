import Foundation
import Hardening
import TestSupport
import Testing

@testable import Core
@testable import Units

/// The units plugin puts its desired files in path order in place (`permute`), without
/// copying them.
@Suite struct UnitsDecodeOrderTests {
  static func file(_ name: String) -> DesiredUnits.File {
    DesiredUnits.File(
      scope: .system, unit: UnitName(name + ".service")!, dropIn: nil, contents: Array(name.utf8),
      origin: name)
  }

  @Test("permute puts each file where the order says, for every kind of cycle")
  func permuteFollowsTheOrder() {
    var generator = SystemRandomNumberGenerator()
    for count in [0, 1, 2, 3, 7, 64, 500] {
      for _ in 0..<5 {
        let names = (0..<count).map { "u\($0)" }
        let order = Array((0..<count).shuffled(using: &generator))
        var files = names.map(Self.file)
        UnitsPlugin.permute(&files, to: order)
        #expect(files.map(\.origin) == order.map { names[$0] })
      }
    }
  }

  @Test("decoding the example gives its files sorted by path, contributed drop-ins among them")
  func decodedFilesAreSortedByPath() throws {
    let scratch = try ScratchDirectory("units-order")
    try scratch.copy(from: exampleRepository, to: "repo")
    try FileManager.default.createDirectory(atPath: scratch.join("root"), withIntermediateDirectories: true)
    let harness = EngineHarness(
      plugins: [HardeningPlugin(), UnitsPlugin()],
      otherSections: ["users", "groups", "email", "containers", "podman"],
      repository: scratch.join("repo"), host: "gemini", root: scratch.join("root"))
    let loaded = try harness.load()
    let desired = try #require(loaded.desired.compactMap { $0 as? DesiredUnits }.first)
    let paths = desired.files.map(\.path.description)
    #expect(paths.count > 3)
    #expect(desired.files.contains { $0.dropIn != nil })
    #expect(paths == paths.sorted())
    for file in desired.files where file.dropIn == nil {
      #expect(file.path.description.hasSuffix("/" + file.unit.rawValue))
    }
  }
}
