#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's standard output and error, written without buffering, and its end.
public enum StandardStreams {
  /// Writes all of `text` to descriptor `fd` (1 or 2). A failed write (a closed pipe, a full
  /// disk) drops the rest, as `print` does: output is not worth a crash. `write(2)`
  public static func write(_ text: String, to fd: Int32) {
    var text = text
    _ = text.withUTF8 { SystemCalls.write(all: UnsafeRawBufferPointer($0), to: fd) }
  }

  /// Ends the process with `code`, running the C library's exit handlers but no Swift
  /// deinitialisers. `exit(3)`
  public static func exit(_ code: Int32) -> Never {
    Glibc.exit(code)
  }
}
