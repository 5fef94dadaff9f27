import Glibc
import SystemCalls

/// A TCP server on a free loopback port that accepts connections and never answers: a hung
/// remote. Accepting is left to the kernel (the listen backlog completes the handshake, so
/// the client sees an established connection, exactly as with a server that called
/// `accept(2)` and then stalled); nothing is ever read or written. Closed with the value.
public final class SilentServer {
  public let port: Int
  private let fd: Int32

  /// Listens on 127.0.0.1, on a port the kernel picks. `socket(2)`, `bind(2)`, `listen(2)`
  public init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SystemCallError("socket") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let listening = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && listen(fd, 16) == 0
          && getsockname(fd, pointer, &length) == 0
      }
    }
    guard listening else {
      close(fd)
      throw SystemCallError("listen")
    }
    self.fd = fd
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(fd) }
}
