/// One shadow-utils command line that changes the account files, as data: it can be shown in
/// a plan, compared in a test, and run later by a `ShadowUtilsRunner`.
public struct ShadowCommand: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The absolute path of the program, e.g. `/usr/sbin/useradd`.
  public var executable: String
  /// The arguments after the program name.
  public var arguments: [String]

  /// Creates a command.
  public init(_ executable: String, _ arguments: [String]) {
    self.executable = executable
    self.arguments = arguments
  }

  /// The program's short name: `useradd`.
  public var program: String { String(executable.split(separator: "/").last ?? "") }

  /// The full argument vector, program first.
  public var argv: [String] { [executable] + arguments }

  /// The command as a shell would read it, each argument quoted when needed.
  public var description: String {
    ([program] + arguments).map(Self.quote).joined(separator: " ")
  }

  static func quote(_ word: String) -> String {
    let safe = word.utf8.allSatisfy { byte in
      switch byte {
      case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
      case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "."),
        UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"):
        return true
      default: return false
      }
    }
    if safe && !word.isEmpty { return word }
    return "'" + word.replacing("'", with: "'\\''") + "'"
  }
}
