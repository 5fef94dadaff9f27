import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Structured messages to the systemd journal.
public enum Journal {
  /// Sends one entry made of `fields` (`("MESSAGE", "...")`, `("MESSAGE_ID", "...")`...).
  ///
  /// Field names must be 1-64 characters of `A-Z`, `0-9` and `_`, not starting with `_` or a
  /// digit (journald drops or rejects others); values may hold any bytes, newlines included.
  /// Note that libsystemd returns success even when no journald listens (the datagram is
  /// simply dropped), so success does not prove the entry was stored.
  /// `sd_journal_sendv`
  public static func send(fields: [(String, String)]) throws(SystemdError) {
    for (name, _) in fields where !isValidFieldName(name) {
      throw SystemdError("sd_journal_sendv", subject: name.debugDescription, returned: -EINVAL)
    }
    var buffer: [UInt8] = []
    var ranges: [Range<Int>] = []
    for (name, value) in fields {
      let start = buffer.count
      buffer.append(contentsOf: name.utf8)
      buffer.append(UInt8(ascii: "="))
      buffer.append(contentsOf: value.utf8)
      ranges.append(start..<buffer.count)
    }
    let result = buffer.withUnsafeMutableBytes { bytes in
      let vectors = ranges.map { range in
        iovec(iov_base: bytes.baseAddress! + range.lowerBound, iov_len: range.count)
      }
      return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
    try check("sd_journal_sendv", nil, result)
  }

  /// Whether journald accepts `name` as a field name set by a client.
  static func isValidFieldName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...64).contains(bytes.count), bytes[0] != UInt8(ascii: "_") else { return false }
    guard !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0]) else { return false }
    return bytes.allSatisfy {
      (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
    }
  }
}
