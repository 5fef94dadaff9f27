#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Searches of bytes in memory with the C library's vectorised routines: a loop over a
/// buffer in Swift compares one byte at a time.
public enum ByteSearch {
  /// The offset of the first `byte` in `bytes`; nil when there is none. `memchr(3)`
  public static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress, !bytes.isEmpty,
      let found = memchr(base, Int32(byte), bytes.count)
    else { return nil }
    return UnsafeRawPointer(found) - UnsafeRawPointer(base)
  }
}
