/// The commit the engine last applied to this host: the anchor the next update must move
/// forward from. Kept in the state directory, root-owned, mode 0600, never in the repository.
public struct LastApplied: Sendable, Hashable, Codable {
  /// The file name inside the state directory.
  public static let fileName = "git-last-applied"

  /// The applied commit.
  public var commit: ObjectID

  /// Creates a record.
  public init(commit: ObjectID) { self.commit = commit }

  /// Reads the record from `stateDirectory`; `nil` on the first run (no record yet).
  /// Throws when the file is not root's alone or does not hold a commit id.
  public static func load(from stateDirectory: String) throws -> LastApplied? {
    guard let bytes = try StateFile.read(fileName, in: stateDirectory) else { return nil }
    let text = String(decoding: bytes, as: UTF8.self)
    guard let commit = ObjectID(hex: text.trimmingCharacters(while: { $0.isWhitespace })) else {
      throw StateFileError(
        path: stateDirectory + "/" + fileName, reason: "does not hold a commit id")
    }
    return LastApplied(commit: commit)
  }

  /// Writes `record` to `stateDirectory` atomically (temporary file, fsync, rename, fsync of
  /// the directory), owned by the running user with mode 0600. The engine calls this only
  /// after an apply succeeded.
  public static func store(_ record: LastApplied, in stateDirectory: String) throws {
    try StateFile.write(Array((record.commit.hex + "\n").utf8), to: fileName, in: stateDirectory)
  }
}

extension String {
  /// The string without leading and trailing characters matching `predicate`.
  func trimmingCharacters(while predicate: (Character) -> Bool) -> String {
    guard let first = firstIndex(where: { !predicate($0) }),
      let last = lastIndex(where: { !predicate($0) })
    else { return "" }
    return String(self[first...last])
  }
}
