import Foundation

extension TestBed {
  /// The reconcile binary system tests copy into a bed: `RECONCILE_BINARY`, or the static
  /// release build (`swift build --product reconcile -c release --static-swift-stdlib`,
  /// which `make test` runs first).
  public static var reconcileBinary: String {
    if let path = ProcessInfo.processInfo.environment["RECONCILE_BINARY"] { return path }
    return URL(fileURLWithPath: scriptPath)
      .deletingLastPathComponent()  // scripts
      .deletingLastPathComponent()  // the package
      .appendingPathComponent(".build/release/reconcile").path
  }

  /// Copies the reconcile binary to `/usr/local/bin/reconcile` in the bed. Its C libraries
  /// (libgit2, libsystemd) come from the bed's Debian packages; the Swift runtime is linked
  /// in statically.
  public func installReconcile() async throws {
    let binary = Self.reconcileBinary
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw TestBedError(
        doing: "installing reconcile into \(name)",
        detail: "no binary at \(binary); build it with "
          + "`swift build --product reconcile -c release --static-swift-stdlib` (make build)")
    }
    try await copyIn(binary, to: "/usr/local/bin/reconcile")
  }
}
