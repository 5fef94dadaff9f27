import Foundation

extension TestBed {
  /// Edits that let the example host run in a bed: the bed has no registry, so the
  /// containers' images come from archives in the repository, and nspawn's seccomp filter
  /// forbids keyctl, so podman must not use a session keyring.
  public static let exampleEdits: [(path: String, old: String, new: String)] = [
    ("hosts/gemini.yaml", "podman:\n  runtime: crun\n", "podman:\n  runtime: crun\n  keyring: false\n"),
    (
      "roles/matrix/role.yaml", "    image: ghcr.io/example/matrix-bot:1.4\n",
      "    image: ghcr.io/example/matrix-bot:1.4\n    image-archive: files/matrix-bot.tar\n"
    ),
    (
      "roles/report/role.yaml", "    image: docker.io/library/busybox:1.36\n",
      "    image: docker.io/library/busybox:1.36\n    image-archive: files/node-report.tar\n"
    ),
  ]

  /// The image archives those edits name, built inside the bed by scripts/busybox-image:
  /// repository path, image name, command.
  public static let exampleImages: [(archive: String, name: String, command: [String])] = [
    (
      "roles/matrix/files/matrix-bot.tar", "ghcr.io/example/matrix-bot:1.4",
      ["/bin/sh", "-c", "trap 'exit 0' TERM; echo \"greeting=$GREETING\"; sleep 2147483647 & wait"]
    ),
    ("roles/report/files/node-report.tar", "docker.io/library/busybox:1.36", ["/bin/sh"]),
  ]

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
