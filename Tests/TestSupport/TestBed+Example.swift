import Foundation

extension TestBed {
  /// What the example needs to run in a bed (`Tests/Fixtures/bed-example.json`, which
  /// scripts/bench/live reads too): edits to its files, and the image archives they name.
  struct BedExample: Decodable {
    struct Edit: Decodable {
      var path: String
      var old: String
      var new: String
    }
    struct Image: Decodable {
      var archive: String
      var name: String
      var command: [String]
    }
    var edits: [Edit]
    var images: [Image]

    static let fixture: BedExample = {
      let path = "\(packageRoot)/Tests/Fixtures/bed-example.json"
      do {
        return try JSONDecoder().decode(BedExample.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
      } catch {
        fatalError("cannot read \(path): \(error)")
      }
    }()
  }

  /// Edits that let the example host run in a bed: the bed has no registry, so the
  /// containers' images come from archives in the repository, and nspawn's seccomp filter
  /// forbids keyctl, so podman must not use a session keyring.
  public static var exampleEdits: [(path: String, old: String, new: String)] {
    BedExample.fixture.edits.map { ($0.path, $0.old, $0.new) }
  }

  /// The image archives those edits name, built inside the bed by scripts/busybox-image:
  /// repository path, image name, command.
  public static var exampleImages: [(archive: String, name: String, command: [String])] {
    BedExample.fixture.images.map { ($0.archive, $0.name, $0.command) }
  }

  /// Applies `exampleEdits` to a copy of the example at `folder` on the host side.
  public static func editExample(at folder: String) throws {
    for edit in exampleEdits {
      let path = folder + "/" + edit.path
      let text = try String(contentsOfFile: path, encoding: .utf8)
      guard text.contains(edit.old) else {
        throw TestBedError(
          doing: "preparing the example for a bed", detail: "\(edit.path) no longer holds \(edit.old.debugDescription)")
      }
      try text.replacingOccurrences(of: edit.old, with: edit.new).write(toFile: path, atomically: true, encoding: .utf8)
    }
  }

  /// Puts reconcile, scripts/busybox-image and the example (edited for the bed, with its
  /// image archives built inside) at `destination` in the bed.
  public func installExample(at destination: String = "/srv/state") async throws {
    try await installReconcile()
    let scripts = URL(fileURLWithPath: Self.scriptPath).deletingLastPathComponent().path
    try await copyIn(scripts + "/busybox-image", to: "/usr/local/bin/busybox-image")
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("example-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: exampleRepository, toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try Self.editExample(at: copy)
    try await copyIn(copy, to: destination)
    for image in Self.exampleImages {
      try await run(["busybox-image", destination + "/" + image.archive, image.name] + image.command)
    }
  }
}
