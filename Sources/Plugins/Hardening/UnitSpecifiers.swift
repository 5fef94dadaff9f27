import Core

/// The `%` specifiers of a unit name that settings such as `User=` may use (systemd.unit(5),
/// "Specifiers"). Only the name-derived ones are known offline; any other is left as written.
struct UnitSpecifiers: Sendable {
  var name: UnitName

  /// `value` with `%n %N %p %P %i %I %j %J %%` replaced.
  func expand(_ value: String) -> String {
    guard value.contains("%") else { return value }
    let prefix = name.stem.split(separator: "@", maxSplits: 1).first.map(String.init) ?? name.stem
    let instance = name.instance ?? ""
    let lastDash = prefix.lastIndex(of: "-").map { prefix[prefix.index(after: $0)...] }
    let replacements: [Character: String] = [
      "n": name.rawValue, "N": name.stem, "p": prefix, "P": unescape(prefix), "i": instance,
      "I": unescape(instance), "j": String(lastDash ?? Substring(prefix)),
      "J": unescape(String(lastDash ?? Substring(prefix))), "%": "%",
    ]
    var out = ""
    var iterator = value.makeIterator()
    while let character = iterator.next() {
      guard character == "%" else {
        out.append(character)
        continue
      }
      guard let key = iterator.next() else {
        out.append("%")
        break
      }
      out += replacements[key] ?? "%\(key)"
    }
    return out
  }

  /// `unit_name_unescape()`: `-` becomes `/`, `\xNN` the byte it names.
  private func unescape(_ text: String) -> String {
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "-") {
        bytes.append(UInt8(ascii: "/"))
      } else if byte == UInt8(ascii: "\\"), utf8.count >= 3, utf8.first == UInt8(ascii: "x"),
        let value = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        utf8 = utf8.dropFirst(3)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
