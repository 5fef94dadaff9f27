import Core
import Foundation
import Hardening
import Testing

/// One unit variant of the oracle corpus: a directory holding the files as they lie under
/// `/etc/systemd/system` (a unit file and drop-ins in `NAME.d/`), an optional `ANALYZE` file
/// naming the unit to analyse (an instance of a template), and the oracle's recorded outputs
/// `oracle.json` (`--json=short`) and `oracle.txt` (the text report).
struct OracleCase: Sendable, CustomTestStringConvertible {
  var name: String
  var directory: URL

  var testDescription: String { name }

  /// The corpus directory next to this source file.
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Corpus")

  /// Every case, by name.
  static let all: [OracleCase] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
    return names.sorted().compactMap { name in
      var isDirectory: ObjCBool = false
      let url = corpus.appendingPathComponent(name)
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { return nil }
      return OracleCase(name: name, directory: url)
    }
  }()

  /// The unit file's name (a template for instance cases).
  func unitFileName() throws -> String {
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    guard let file = files.sorted().first(where: { $0.hasSuffix(".service") }) else {
      throw CaseError(message: "\(name): no .service file")
    }
    return file
  }

  /// The unit to analyse.
  func unitName() throws -> UnitName {
    let analyze = directory.appendingPathComponent("ANALYZE")
    let recorded = (try? String(contentsOf: analyze, encoding: .utf8))?
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let raw = try recorded ?? unitFileName()
    guard let name = UnitName(raw) else { throw CaseError(message: "\(name): bad unit \(raw)") }
    return name
  }

  /// Every unit file and drop-in path, relative to the case directory.
  func files() throws -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if path.hasSuffix(".service") || path.hasSuffix(".conf") { files.append(path) }
    }
    return files.sorted()
  }

  /// The unit file merged with its drop-ins in systemd's order (drop-ins sorted by file name).
  func mergedUnit() throws -> UnitFile {
    let paths = try files()
    let main = try unitFileName()
    let dropIns = paths.filter { $0.hasSuffix(".conf") }
      .sorted { ($0 as NSString).lastPathComponent < ($1 as NSString).lastPathComponent }
    func parse(_ path: String) throws -> UnitFile {
      let text = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
      switch UnitFile.parse(text, file: path) {
      case .success(let unit): return unit
      case .failure(let error):
        throw CaseError(message: "\(name)/\(path):\(error.line): \(error.message)")
      }
    }
    return UnitFile.merged(try parse(main), dropIns: try dropIns.map(parse))
  }

  /// The recorded oracle output.
  func golden() throws -> SystemdAnalyzeOracle.Output {
    SystemdAnalyzeOracle.Output(
      json: try String(
        contentsOf: directory.appendingPathComponent("oracle.json"), encoding: .utf8),
      text: try String(contentsOf: directory.appendingPathComponent("oracle.txt"), encoding: .utf8))
  }

  /// Copies the case's unit files into `root/etc/systemd/system`.
  func install(into root: URL) throws {
    let unitDirectory = root.appendingPathComponent("etc/systemd/system")
    for path in try files() {
      let target = unitDirectory.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: directory.appendingPathComponent(path), to: target)
    }
  }
}

struct CaseError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
