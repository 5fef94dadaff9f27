import Foundation
import TestSupport
import Testing

/// A booted test bed with reconcile, the image-archive script and a state repository at
/// /srv/state, for the podman system tests. The bed has no registry: images come from
/// archives `scripts/busybox-image` builds inside it.
struct PodmanBed {
  let bed: TestBed
  /// The repository on the host side, copied in by `push`.
  let repository: URL

  /// The example with its images loaded from archives, and containers.conf set for a host
  /// that is itself a container (nspawn's seccomp filter forbids keyctl).
  static func example(_ bed: TestBed) async throws -> PodmanBed {
    let repository = FileManager.default.temporaryDirectory
      .appendingPathComponent("podman-repo-\(UUID().uuidString)")
    try FileManager.default.copyItem(atPath: exampleRepository, toPath: repository.path)
    let podman = PodmanBed(bed: bed, repository: repository)
    // The roles whose programs the bed lacks are left out: their units are skipped by
    // ConditionPathExists= and would be started again by every apply.
    try podman.replace("hosts/gemini.yaml", "  - bitcoin\n  - lightning\n", with: "")
    try TestBed.editExample(at: repository.path)
    try await podman.install()
    for image in TestBed.exampleImages { try await podman.image(image.archive, image.name, image.command) }
    return podman
  }

  /// A one-host repository (host `box`) whose single role is `role`.
  static func custom(_ bed: TestBed, role: String) async throws -> PodmanBed {
    let repository = FileManager.default.temporaryDirectory
      .appendingPathComponent("podman-repo-\(UUID().uuidString)")
    let podman = PodmanBed(bed: bed, repository: repository)
    try podman.write("reconcile.yaml", "format: 1\n")
    try podman.write("hosts/box.yaml", "roles: [app]\npodman: { runtime: crun, keyring: false }\n")
    try podman.write("roles/app/role.yaml", role)
    try await podman.install()
    try await podman.image("roles/app/files/tiny.tar", "localhost/tiny:1", ["/bin/sh"])
    return podman
  }

  /// Copies reconcile, the script and the repository in.
  private func install() async throws {
    try await bed.installReconcile()
    try await bed.copyIn(packageRoot + "/scripts/busybox-image", to: "/usr/local/bin/busybox-image")
    try await push()
  }

  /// Builds an image archive at `path` of the repository inside the bed.
  func image(_ path: String, _ name: String, _ command: [String]) async throws {
    try await bed.run(["busybox-image", "/srv/state/" + path, name] + command)
  }

  /// Copies the host-side repository to /srv/state again (archives built inside stay).
  func push() async throws { try await bed.copyIn(repository.path, to: "/srv/state") }

  func write(_ path: String, _ text: String) throws {
    let url = repository.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  func replace(_ path: String, _ old: String, with new: String) throws {
    let url = repository.appendingPathComponent(path)
    let text = try String(contentsOf: url, encoding: .utf8)
    guard text.contains(old) else {
      throw TestBedError(doing: "editing \(path)", detail: "no '\(old)' in it")
    }
    try write(path, text.replacingOccurrences(of: old, with: new))
  }

  /// `reconcile apply` (or another command) of the repository in the bed.
  func reconcile(_ command: String = "apply", host: String = "gemini") async throws
    -> TestBed.Output
  {
    try await bed.exec(
      ["reconcile", command, "--repo", "/srv/state", "--host", host], timeout: 300)
  }

  /// `systemctl --user -M USER@ ARGS...`.
  func userctl(_ user: String, _ arguments: [String]) async throws -> TestBed.Output {
    try await bed.exec(["systemctl", "--user", "-M", "\(user)@"] + arguments)
  }

  /// `reconcile exec USER -- ARGS...`.
  func exec(_ user: String, _ arguments: [String]) async throws -> TestBed.Output {
    try await bed.exec(["reconcile", "exec", user, "--"] + arguments)
  }

  /// The full ID of the running container `name` of `user`, nil when none runs.
  func containerID(_ user: String, _ name: String) async throws -> String? {
    let output = try await exec(
      user, ["podman", "ps", "--no-trunc", "--filter", "name=^\(name)$", "--format", "{{.ID}}"])
    return output.trimmed.isEmpty ? nil : output.trimmed
  }

  /// Waits until `unit` of `user` is active (a user manager starts after boot), at most
  /// `seconds`; returns the last state seen.
  func waitActive(_ user: String, _ unit: String, seconds: Int = 60) async throws -> String {
    var state = ""
    for _ in 0..<(seconds * 2) {
      state = try await userctl(user, ["is-active", unit]).trimmed
      if state == "active" { break }
      try await Task.sleep(for: .milliseconds(500))
    }
    return state
  }

  func remove() { try? FileManager.default.removeItem(at: repository) }
}
