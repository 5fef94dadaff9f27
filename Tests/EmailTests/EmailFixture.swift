import Core
import Email
import Foundation
import TestSupport
import Units

/// A small state repository with failure email, and an offline root to apply it to.
struct EmailFixture {
  let scratch: ScratchDirectory
  var repository: String { scratch.join("repo") }
  var root: String { scratch.join("root") }

  /// The email section of the host file (YAML lines, indented under `email:`).
  static let emailSection = """
    email:
      recipients: [operator@example.org, backup@example.org]
      sender: gemini@example.org
      client-config: /etc/reconcile/msmtprc
      start-limit: { interval: 10min, burst: 5 }
    """

  init(email: String? = EmailFixture.emailSection) throws {
    scratch = try ScratchDirectory("email")
    try scratch.write("repo/reconcile.yaml", "format: 1\n")
    try scratch.write(
      "repo/hosts/gemini/units/report.service",
      "[Unit]\nDescription=Daily report\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n")
    try scratch.write(
      "repo/hosts/gemini/units/report.timer",
      "[Unit]\nDescription=Daily "
        + "report\n\n[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n"
    )
    try scratch.write(
      "repo/hosts/gemini/units/node.service",
      "[Unit]\nDescription=A node\n\n[Service]\nExecStart=/bin/false\nRestart=on-failure\n\n"
        + "[Install]\nWantedBy=multi-user.target\n")
    try writeHost(email: email)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  /// Rewrites the host file with `email` as its email section (none when nil).
  func writeHost(email: String?) throws {
    try scratch.write(
      "repo/hosts/gemini.yaml",
      "units:\n  report.timer: { enable: true }\n  node.service: { enable: true }\n"
        + (email.map { "\n" + $0 + "\n" } ?? ""))
  }

  var harness: EngineHarness {
    EngineHarness(
      plugins: [EmailPlugin(), UnitsPlugin()], otherSections: [], repository: repository,
      host: "gemini", root: root)
  }

  /// The diagnostics of loading the host (errors and warnings from decode).
  func loadDiagnostics() -> [Diagnostic] {
    var diagnostics = Diagnostics()
    _ = harness.engine.load(
      tree: DirectoryTree(path: repository), host: "gemini", diagnostics: &diagnostics)
    return diagnostics.sorted
  }

  /// A file under the root, as text.
  func read(_ path: String) throws -> String { try scratch.read("root" + path) }

  func exists(_ path: String) -> Bool { scratch.exists("root" + path) }
}
