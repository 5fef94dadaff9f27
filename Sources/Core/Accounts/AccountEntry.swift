/// One kind of line of a colon-separated account file (`/etc/passwd`, `/etc/group`, ...).
///
/// A conforming type parses the fields of one line; `AccountTable` does the rest (lines,
/// positions, duplicate names, problems) the same way for every file.
public protocol AccountEntry: Sendable, Hashable {
  /// The path of the file under the host root, for messages: `/etc/passwd`.
  static var file: String { get }
  /// How many `:`-separated fields a line has.
  static var fieldCount: Int { get }
  /// The field layout, for messages: `NAME:PASSWORD:UID:GID:COMMENT:HOME:SHELL`.
  static var layout: String { get }
  /// Whether the file holds secrets: its text is never kept and never quoted in a message.
  static var isSecret: Bool { get }

  /// Parses the fields of one line (exactly `fieldCount` of them).
  init(fields: [Substring]) throws(AccountFieldError)

  /// The account or group name (the first field).
  var name: String { get }
}

/// A field of an account file line that does not parse.
public struct AccountFieldError: Error, Sendable, Hashable {
  /// The 0-based index of the offending field.
  public var field: Int
  /// One sentence saying what is wrong, never quoting a secret.
  public var message: String

  /// Creates an error about field `field`.
  public init(field: Int, _ message: String) {
    self.field = field
    self.message = message
  }
}

extension AccountFieldError {
  /// Parses field `index` as a decimal UID or GID (`0` to `4294967295`, digits only).
  static func id(_ fields: [Substring], _ index: Int, _ what: String) throws(AccountFieldError)
    -> UInt32
  {
    let text = fields[index]
    guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
      let value = UInt64(text), value <= UInt64(UInt32.max)
    else {
      throw AccountFieldError(
        field: index, "the \(what) '\(text)' is not a number from 0 to 4294967295")
    }
    return UInt32(value)
  }

  /// Checks that the name field is not empty and returns it.
  static func name(_ fields: [Substring]) throws(AccountFieldError) -> String {
    guard !fields[0].isEmpty else { throw AccountFieldError(field: 0, "the name is empty") }
    return String(fields[0])
  }

  /// Splits a comma-separated member list; an empty field is an empty list.
  static func list(_ field: Substring) -> [String] {
    field.split(separator: ",", omittingEmptySubsequences: false).filter { !$0.isEmpty }
      .map(String.init)
  }
}
