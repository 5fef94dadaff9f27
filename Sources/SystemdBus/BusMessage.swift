import CSystemd

/// One D-Bus message (a method call being built, or a reply or signal being read), owning
/// its `sd_bus_message*` reference.
///
/// Swift cannot call the variadic `sd_bus_message_append`/`sd_bus_message_read`, so values
/// go in and out one at a time through the typed methods below.
/// `@unchecked Sendable`: a message is built or read by one caller at a time and never shared.
final class BusMessage: @unchecked Sendable {
  /// The owned `sd_bus_message*`.
  let pointer: OpaquePointer

  /// Takes ownership of one reference to `pointer`.
  init(owning pointer: OpaquePointer) { self.pointer = pointer }

  deinit { sd_bus_message_unref(pointer) }

  /// The message type: `SD_BUS_MESSAGE_METHOD_RETURN`, `_METHOD_ERROR`, `_SIGNAL`...
  /// `sd_bus_message_get_type`
  var type: UInt8 {
    var value: UInt8 = 0
    _ = sd_bus_message_get_type(pointer, &value)
    return value
  }

  /// The cookie of the call this message replies to, nil for other messages.
  /// `sd_bus_message_get_reply_cookie`
  var replyCookie: UInt64? {
    var cookie: UInt64 = 0
    return sd_bus_message_get_reply_cookie(pointer, &cookie) >= 0 ? cookie : nil
  }

  /// Whether this is the signal `member` of `interface`. `sd_bus_message_is_signal`
  func isSignal(interface: String, member: String) -> Bool {
    sd_bus_message_is_signal(pointer, interface, member) > 0
  }

  /// The D-Bus error this reply carries, as a `SystemdError` for `call`; nil for a non-error.
  /// `sd_bus_message_get_error`
  func error(call: String, subject: String?) -> SystemdError? {
    guard let error = sd_bus_message_get_error(pointer), sd_bus_error_is_set(error) > 0 else {
      return nil
    }
    return SystemdError(
      call, subject: subject, errorName: error.pointee.name.map { String(cString: $0) } ?? "",
      message: error.pointee.message.map { String(cString: $0) } ?? "",
      code: sd_bus_message_get_errno(pointer))
  }

  // MARK: Appending

  /// Appends a string (`s`). `sd_bus_message_append_basic`
  func append(_ value: String) throws(SystemdError) {
    try check(
      "sd_bus_message_append_basic", value, sd_bus_message_append_basic(pointer, 115, value))
  }

  /// Appends a boolean (`b`). `sd_bus_message_append_basic`
  func append(_ value: Bool) throws(SystemdError) {
    var int: Int32 = value ? 1 : 0
    try check("sd_bus_message_append_basic", nil, sd_bus_message_append_basic(pointer, 98, &int))
  }

  /// Appends an unsigned 32-bit integer (`u`). `sd_bus_message_append_basic`
  func append(_ value: UInt32) throws(SystemdError) {
    var int = value
    try check("sd_bus_message_append_basic", nil, sd_bus_message_append_basic(pointer, 117, &int))
  }

  /// Appends an array of strings (`as`). `sd_bus_message_append_strv`
  func append(_ values: [String]) throws(SystemdError) {
    try check("sd_bus_message_open_container", nil, sd_bus_message_open_container(pointer, 97, "s"))
    for value in values { try append(value) }
    try check("sd_bus_message_close_container", nil, sd_bus_message_close_container(pointer))
  }

  // MARK: Reading

  /// Reads a string-like value (`s`, `o` or `g`, given by `type`). `sd_bus_message_read_basic`
  func readString(_ type: Character = "s") throws(SystemdError) -> String {
    var value: UnsafePointer<CChar>? = nil
    try check(
      "sd_bus_message_read_basic", String(type),
      sd_bus_message_read_basic(pointer, CChar(type.asciiValue!), &value))
    return value.map { String(cString: $0) } ?? ""
  }

  /// Reads an unsigned 32-bit integer (`u`). `sd_bus_message_read_basic`
  func readUInt32() throws(SystemdError) -> UInt32 {
    var value: UInt32 = 0
    try check("sd_bus_message_read_basic", "u", sd_bus_message_read_basic(pointer, 117, &value))
    return value
  }

  /// Reads a boolean (`b`). `sd_bus_message_read_basic`
  func readBool() throws(SystemdError) -> Bool {
    var value: Int32 = 0
    try check("sd_bus_message_read_basic", "b", sd_bus_message_read_basic(pointer, 98, &value))
    return value != 0
  }

  /// Reads an unsigned 64-bit integer (`t`). `sd_bus_message_read_basic`
  func readUInt64() throws(SystemdError) -> UInt64 {
    var value: UInt64 = 0
    try check("sd_bus_message_read_basic", "t", sd_bus_message_read_basic(pointer, 116, &value))
    return value
  }

  /// Reads a byte array (`ay`). `sd_bus_message_read_array`
  func readBytes() throws(SystemdError) -> [UInt8] {
    var bytes: UnsafeRawPointer? = nil
    var size = 0
    try check(
      "sd_bus_message_read_array", "ay", sd_bus_message_read_array(pointer, 121, &bytes, &size))
    guard let bytes, size > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: bytes, count: size))
  }

  /// Enters a container: `a`, `v`, `e` (dict entry) or `r` (struct) holding `contents`.
  /// Returns false at the end of the enclosing array. `sd_bus_message_enter_container`
  func enter(_ type: Character, _ contents: String) throws(SystemdError) -> Bool {
    try check(
      "sd_bus_message_enter_container", "\(type)\(contents)",
      sd_bus_message_enter_container(pointer, CChar(type.asciiValue!), contents)) > 0
  }

  /// Leaves the container entered last. `sd_bus_message_exit_container`
  func exit() throws(SystemdError) {
    try check("sd_bus_message_exit_container", nil, sd_bus_message_exit_container(pointer))
  }

  /// Skips values of the given signature, e.g. `v`. `sd_bus_message_skip`
  func skip(_ signature: String) throws(SystemdError) {
    try check("sd_bus_message_skip", signature, sd_bus_message_skip(pointer, signature))
  }
}
