import Testing

@testable import Core

/// The layout's name rules, held to the patterns their doc comments give, over random names
/// made mostly of the characters that matter (and some that do not, multi-byte ones too).
@Suite struct NamingTests {
  static let alphabet = Array("abcz09AZ_-.@:/é \u{0}xyconf")

  static func randomName(using generator: inout some RandomNumberGenerator) -> String {
    let length = Int.random(in: 0...8, using: &generator)
    var name = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    if Bool.random(using: &generator) { name += ".conf" }
    return name
  }

  @Test("host, role and drop-in names match their patterns")
  func matchPatterns() throws {
    let host = try Regex("^[a-z0-9][a-z0-9.-]{0,62}$")
    let role = try Regex("^[a-z0-9][a-z0-9_-]{0,63}$")
    let dropIn = try Regex("^[A-Za-z0-9_][A-Za-z0-9_@:.-]*\\.conf$")
    var generator = SystemRandomNumberGenerator()
    var valid = (host: 0, role: 0, dropIn: 0)
    for _ in 0..<20_000 {
      let name = Self.randomName(using: &generator)
      let isHost = name.wholeMatch(of: host) != nil && !name.contains("..")
      #expect(Naming.isValidHostName(name) == isHost, "\(name.debugDescription)")
      #expect(Naming.isValidRoleName(name) == (name.wholeMatch(of: role) != nil), "\(name.debugDescription)")
      #expect(Naming.isValidDropInName(name) == (name.wholeMatch(of: dropIn) != nil), "\(name.debugDescription)")
      valid.host += isHost ? 1 : 0
      valid.role += Naming.isValidRoleName(name) ? 1 : 0
      valid.dropIn += Naming.isValidDropInName(name) ? 1 : 0
    }
    // The random names reach both answers of every rule.
    #expect(valid.host > 100 && valid.role > 100 && valid.dropIn > 100)
    #expect(!Naming.isValidHostName(String(repeating: "a", count: 64)))
    #expect(Naming.isValidRoleName(String(repeating: "a", count: 64)))
    #expect(!Naming.isValidDropInName(String(repeating: "a", count: 251) + ".conf"))
  }
}
