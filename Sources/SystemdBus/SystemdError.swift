import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed sd-bus, D-Bus or journal call: what was being done, the failing call, and either
/// the D-Bus error systemd sent back or the `errno` libsystemd returned.
public struct SystemdError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The C function (`sd_bus_start`) or D-Bus method (`Manager.StartUnit`) that failed.
  public var call: String
  /// What the call was about, e.g. a unit name or a bus address; nil when nothing specific.
  public var subject: String?
  /// The D-Bus error name, e.g. `org.freedesktop.systemd1.NoSuchUnit`; nil for an errno.
  public var errorName: String?
  /// The D-Bus error message, or `strerror` of `code`.
  public var message: String
  /// The positive `errno` value; for a D-Bus error the one sd-bus maps its name to.
  public var code: Int32

  /// Creates an error from a negative return value of a libsystemd function.
  public init(_ call: String, subject: String? = nil, returned value: Int32) {
    self.call = call
    self.subject = subject
    self.errorName = nil
    self.code = value < 0 ? -value : value
    self.message = String(cString: strerror(self.code))
  }

  /// Creates an error from a D-Bus error name and message.
  public init(
    _ call: String, subject: String? = nil, errorName: String, message: String, code: Int32
  ) {
    self.call = call
    self.subject = subject
    self.errorName = errorName
    self.message = message
    self.code = code < 0 ? -code : code
  }

  /// A one-sentence description: `Manager.StartUnit(x.service) failed: NoSuchUnit: ...`.
  public var description: String {
    let target = subject.map { "\(call)(\($0))" } ?? call
    if let errorName { return "\(target) failed: \(errorName): \(message)" }
    return "\(target) failed: \(message)"
  }

  /// Whether systemd said the unit does not exist (`NoSuchUnit` or `ENOENT`).
  public var isNoSuchUnit: Bool {
    errorName == "org.freedesktop.systemd1.NoSuchUnit" || (errorName == nil && code == ENOENT)
  }
}

/// Throws a `SystemdError` naming `call` when a libsystemd function returned a negative errno.
@discardableResult
@inline(__always)
func check(_ call: String, _ subject: String? = nil, _ result: Int32) throws(SystemdError)
  -> Int32
{
  if result < 0 { throw SystemdError(call, subject: subject, returned: result) }
  return result
}
