/// Rules for the names the repository layout turns into paths.
public enum Naming {
  /// Host names: `[a-z0-9][a-z0-9.-]{0,62}` (a DNS label or dotted name, lower case).
  public static func isValidHostName(_ name: String) -> Bool {
    matches(
      name, first: "abcdefghijklmnopqrstuvwxyz0123456789", rest: "abcdefghijklmnopqrstuvwxyz0123456789.-", max: 63)
      && !name.contains("..")
  }

  /// Role names: `[a-z0-9][a-z0-9_-]{0,63}`.
  public static func isValidRoleName(_ name: String) -> Bool {
    matches(
      name, first: "abcdefghijklmnopqrstuvwxyz0123456789", rest: "abcdefghijklmnopqrstuvwxyz0123456789_-", max: 64)
  }

  /// Drop-in file names: `[A-Za-z0-9_@:.-]+\.conf`, not starting with a dot.
  public static func isValidDropInName(_ name: String) -> Bool {
    name.hasSuffix(".conf") && name.utf8.count > 5 && name.utf8.count <= 255
      && matches(
        name, first: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
        rest: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@:.-", max: 255)
  }

  /// Compares bytes: every allowed character is ASCII, so a name matches exactly when its
  /// bytes do (a search of the allowed characters per character was a visible cost).
  private static func matches(_ name: String, first: String, rest: String, max: Int) -> Bool {
    guard let head = name.utf8.first, name.utf8.count <= max, first.utf8.contains(head) else {
      return false
    }
    return name.utf8.dropFirst().allSatisfy { rest.utf8.contains($0) }
  }
}
