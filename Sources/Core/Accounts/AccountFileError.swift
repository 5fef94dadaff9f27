/// An account file that could not be read at all (as opposed to a malformed line, which is
/// a `Diagnostic` in the table).
public struct AccountFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The host root the file was read under.
  public var root: String
  /// The file, absolute within the root: `/etc/passwd`.
  public var file: String
  /// What went wrong, from the failing call.
  public var reason: String

  /// Creates an error about `file` under `root`.
  public init(root: String, file: String, reason: String) {
    self.root = root
    self.file = file
    self.reason = reason
  }

  public var description: String {
    let path = root == "/" ? file : "\(root)\(file)"
    return "could not read \(path): \(reason)"
  }
}
