import Foundation

/// `systemd-analyze security --offline=yes` of systemd 252, the oracle the scorer is tested
/// against. Found, in order: a `systemd-analyze` on this host's PATH; the test bed's rootfs at
/// `${TESTBED_CACHE:-/var/cache/reconcile-testbed}/rootfs`; the older probe rootfs beside it
/// (`rootfs-probe`). A rootfs is entered with `chroot` inside a private mount namespace, with
/// the unit directory bind-mounted on its `/mnt`, so the rootfs itself is never written to.
/// `HARDENING_ORACLE=chroot` skips the host's binary; `HARDENING_ORACLE=none` pretends there is
/// no oracle (to see the test skip, or fail under `CI=true`).
struct SystemdAnalyzeOracle: Sendable {
  enum Mode: Sendable {
    case host(String)
    case chroot(rootfs: String)
  }

  var mode: Mode

  /// A description for messages, e.g. `chroot /var/cache/reconcile-testbed/rootfs`.
  var description: String {
    switch mode {
    case .host(let path): path
    case .chroot(let rootfs): "chroot \(rootfs)"
    }
  }

  /// The oracle on this machine, or nil when there is none.
  static let found: SystemdAnalyzeOracle? = {
    let environment = ProcessInfo.processInfo.environment
    let files = FileManager.default
    let choice = environment["HARDENING_ORACLE"] ?? ""
    if choice == "none" { return nil }
    let path = choice == "chroot" ? "" : environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let path = "\(directory)/systemd-analyze"
      if files.isExecutableFile(atPath: path) { return SystemdAnalyzeOracle(mode: .host(path)) }
    }
    guard getuid() == 0 else { return nil }
    let cache = environment["TESTBED_CACHE"] ?? "/var/cache/reconcile-testbed"
    for rootfs in ["\(cache)/rootfs", "\(cache)/rootfs-probe"] {
      if files.isExecutableFile(atPath: "\(rootfs)/usr/bin/systemd-analyze"),
        files.fileExists(atPath: "\(rootfs)/mnt")
      {
        return SystemdAnalyzeOracle(mode: .chroot(rootfs: rootfs))
      }
    }
    return nil
  }()

  /// Whether tests run in CI, where a missing oracle is a failure rather than a skip.
  static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

  /// The oracle's outputs for `unit` with unit files in `root/etc/systemd/system`.
  struct Output: Sendable {
    /// `--json=short` output.
    var json: String
    /// The text output (stdout then stderr), whose last line holds the overall exposure.
    var text: String
  }

  /// Runs the oracle twice (JSON and text) on `unit` under `root`.
  func run(unit: String, root: String) throws -> Output {
    let json = try analyze(["--json=short", unit], root: root, stderr: false)
    let text = try analyze([unit], root: root, stderr: true)
    return Output(json: json, text: text)
  }

  private func analyze(_ arguments: [String], root: String, stderr: Bool) throws -> String {
    let common = ["security", "--no-pager", "--offline=yes"]
    let process = Process()
    switch mode {
    case .host(let path):
      process.executableURL = URL(fileURLWithPath: path)
      process.arguments = common + ["--root=\(root)"] + arguments
    case .chroot(let rootfs):
      process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
      let script = "mount --bind \"$1\" \"$2/mnt\" && shift 2 && exec chroot \"$ROOTFS\" \"$@\""
      process.arguments =
        ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", root, rootfs]
        + ["systemd-analyze"] + common + ["--root=/mnt"] + arguments
      process.environment = ["ROOTFS": rootfs, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
    }
    process.environment = (process.environment ?? [:]).merging(
      ["SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LANG": "C.UTF-8"]
    ) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = stderr ? output : FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
