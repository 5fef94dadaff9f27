/// An absolute path on the managed host, relative to its root (`--root`), made only of
/// validated components: no `..`, no `.`, no empty component, no NUL. It cannot leave the root.
public struct HostPath: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The components, e.g. `["etc", "systemd", "system"]`.
  public let components: [String]

  /// Validates an absolute path such as `/etc/systemd/system/report.timer`.
  public init?(_ path: String) {
    // Split on the bytes: the separator is a byte to the kernel, and splitting characters
    // made path parsing a tenth of a no-op run.
    guard path.utf8.first == UInt8(ascii: "/") else { return nil }
    let parts = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
      .dropFirst()
    var components: [String] = []
    for part in parts {
      let part = Substring(part)
      if part.isEmpty && components.count == parts.count - 1 && !components.isEmpty { continue }
      guard HostPath.isValidComponent(part) else { return nil }
      components.append(String(part))
    }
    self.components = components
  }

  private init(components: [String]) { self.components = components }

  /// The root itself.
  public static let root = HostPath(components: [])

  /// Whether `name` can be one component of a path.
  public static func isValidComponent(_ name: some StringProtocol) -> Bool {
    // On the bytes: `contains("/")` on text resolves to Foundation's substring search, which
    // made path parsing a tenth of a no-op run.
    !name.isEmpty && name != "." && name != ".."
      && !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 })
      && name.utf8.count <= 255
  }

  /// This path with one more component; nil when `name` is not a valid component.
  public func appending(_ name: String) -> HostPath? {
    guard HostPath.isValidComponent(name) else { return nil }
    return HostPath(components: components + [name])
  }

  /// This path with one more component that the caller has already validated (unit names,
  /// checked drop-in names). Traps on an invalid one: that would be a bug.
  public func child(_ name: String) -> HostPath {
    precondition(HostPath.isValidComponent(name), "invalid path component \(name.debugEscaped)")
    return HostPath(components: components + [name])
  }

  /// The folder holding this path.
  public var parent: HostPath { HostPath(components: Array(components.dropLast())) }

  /// The last component.
  public var name: String { components.last ?? "/" }

  public var description: String { "/" + components.joined(separator: "/") }

  public static func < (a: HostPath, b: HostPath) -> Bool { a.description < b.description }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let path = HostPath(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid path \(text)"))
    }
    self = path
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
