import Foundation

/// A temporary folder for one test, removed when the value goes away.
public final class ScratchDirectory: @unchecked Sendable {
  // Immutable after init; only the path is shared.
  public let path: String

  /// Creates a fresh folder under the system temporary folder.
  public init(_ label: String = "reconcile-test") throws {
    let base = FileManager.default.temporaryDirectory.path
    path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// `path/relative`.
  public func join(_ relative: String) -> String { "\(path)/\(relative)" }

  /// Writes a text file (creating folders).
  public func write(_ relative: String, _ text: String, mode: Int = 0o644) throws {
    let full = join(relative)
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
  }

  /// Reads a text file.
  public func read(_ relative: String) throws -> String {
    try String(contentsOfFile: join(relative), encoding: .utf8)
  }

  /// Whether something (file, folder or symlink, even dangling) exists at `relative`.
  public func exists(_ relative: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: join(relative))) != nil
  }

  /// Copies a folder tree into `relative`.
  public func copy(from source: String, to relative: String) throws {
    try FileManager.default.copyItem(atPath: source, toPath: join(relative))
  }
}

/// The root of this package's source tree (for fixtures and the example repository).
public let packageRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
  }
  return FileManager.default.currentDirectoryPath
}()

/// `state-repo-example/` of this package.
public let exampleRepository = "\(packageRoot)/state-repo-example"

extension ScratchDirectory {
  /// `path/name`, created as a folder when `directory`.
  public func sub(_ name: String, directory: Bool = true) throws -> String {
    if directory { try FileManager.default.createDirectory(atPath: join(name), withIntermediateDirectories: true) }
    return join(name)
  }
}
