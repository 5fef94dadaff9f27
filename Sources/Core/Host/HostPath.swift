import SystemCalls

/// An absolute path on the managed host, relative to its root (`--root`), made only of
/// validated components: no `..`, no `.`, no empty component, no NUL. It cannot leave the root.
public struct HostPath: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The path as one string, `/` for the root, never with a trailing `/`. One string, not
  /// an array of components: a no-op run holds tens of thousands of paths (an array and its
  /// strings were twice the memory and hashed component by component).
  private let text: String

  /// The components, e.g. `["etc", "systemd", "system"]`.
  public var components: [String] {
    isRoot ? [] : text.utf8.dropFirst().split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
  }

  /// Whether this is the root itself.
  public var isRoot: Bool { text.utf8.count == 1 }

  /// Validates an absolute path such as `/etc/systemd/system/report.timer`.
  public init?(_ path: String) {
    // One pass over the bytes in place: the separator is a byte to the kernel. Splitting
    // characters, and then walking the string's views, made path parsing a tenth of a no-op
    // run.
    var path = path
    let trailingSlash: Bool? = path.withUTF8 { bytes in
      guard bytes.first == UInt8(ascii: "/") else { return nil }
      var start = 1
      var count = 0
      for end in 1...bytes.count {
        guard end == bytes.count || bytes[end] == UInt8(ascii: "/") else { continue }
        let part = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // One trailing slash is allowed after at least one component.
        if part.isEmpty && end == bytes.count && count > 0 { return true }
        guard HostPath.isValidComponent(bytes: part) else { return nil }
        count += 1
        start = end + 1
      }
      return false
    }
    guard let trailingSlash else { return nil }
    text = trailingSlash ? String(path.dropLast()) : path
  }

  private init(text: String) { self.text = text }

  /// This path and `name` joined by a slash, made in one allocation (paths are made by the
  /// thousand on a large host).
  private func joining(_ name: String) -> HostPath {
    var folder = isRoot ? "" : text
    var name = name
    return folder.withUTF8 { folder in
      name.withUTF8 { name in
        // Copied into place: appending three strings cost a hundred instructions each.
        HostPath(
          text: String(unsafeUninitializedCapacity: folder.count + 1 + name.count) { joined in
            var end = joined.initialize(fromContentsOf: folder)
            joined[end] = UInt8(ascii: "/")
            end += 1
            end = joined[end...].initialize(fromContentsOf: name)
            return end
          })
      }
    }
  }

  /// The root itself.
  public static let root = HostPath(text: "/")

  /// Whether UTF-8 `name` can be one component of a path.
  private static func isValidComponent(bytes name: UnsafeBufferPointer<UInt8>) -> Bool {
    guard name.count > 0, name.count <= 255 else { return false }
    if name.count <= 2, name.allSatisfy({ $0 == UInt8(ascii: ".") }) { return false }
    // No slash can be inside: the caller cut at every one.
    return !name.contains(0)
  }

  /// Whether `name` can be one component of a path.
  public static func isValidComponent(_ name: some StringProtocol) -> Bool {
    // On the bytes in place where the string has them so (nearly always): walking its
    // UTF-8 view cost as much as the rest of making a path.
    if let valid = name.utf8.withContiguousStorageIfAvailable({ bytes in
      isValidComponent(bytes: bytes) && ByteSearch.firstIndex(of: UInt8(ascii: "/"), in: bytes) == nil
    }) {
      return valid
    }
    // On the bytes: `contains("/")` on text resolves to Foundation's substring search, which
    // made path parsing a tenth of a no-op run.
    // `.` and `..` checked on the bytes too: comparing a generic string with a literal was
    // most of the check.
    let utf8 = name.utf8
    let count = utf8.count
    guard count > 0, count <= 255 else { return false }
    if count <= 2, utf8.allSatisfy({ $0 == UInt8(ascii: ".") }) { return false }
    return !utf8.contains { $0 == UInt8(ascii: "/") || $0 == 0 }
  }

  /// This path with one more component; nil when `name` is not a valid component.
  public func appending(_ name: String) -> HostPath? {
    guard HostPath.isValidComponent(name) else { return nil }
    return joining(name)
  }

  /// This path with one more component that the caller has already validated (unit names,
  /// checked drop-in names). Traps on an invalid one: that would be a bug.
  public func child(_ name: String) -> HostPath {
    precondition(HostPath.isValidComponent(name), "invalid path component \(name.debugEscaped)")
    return joining(name)
  }

  /// The folder holding this path (the root's is the root).
  public var parent: HostPath {
    guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")), slash != text.utf8.startIndex
    else { return .root }
    return HostPath(text: String(text[..<slash]))
  }

  /// The last component (`/` for the root).
  public var name: String {
    guard !isRoot, let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "/" }
    return String(text[text.utf8.index(after: slash)...])
  }

  public var description: String { text }

  public static func < (a: HostPath, b: HostPath) -> Bool { a.text < b.text }

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
