#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A new pseudo-terminal: the master side, owned, and the path of its other side.
///
/// Swift's Glibc does not import the X/Open pty functions, so they are looked up at run time.
public struct PseudoTerminal: ~Copyable {
  /// The master side, close-on-exec.
  public let master: Descriptor
  /// The path of the other side (`/dev/pts/N`), for the child to open.
  public let path: String

  /// Opens a new pseudo-terminal and unlocks its other side.
  /// `posix_openpt(3)`, `grantpt(3)`, `unlockpt(3)`, `ptsname_r(3)`
  public static func open() throws(SystemCallError) -> PseudoTerminal {
    guard let openpt = LibC.openpt, let grant = LibC.grantpt,
      let unlock = LibC.unlockpt, let name = LibC.ptsname
    else { throw SystemCallError("posix_openpt", code: ENOSYS) }
    let fd = openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemCallError("posix_openpt") }
    let master = Descriptor(owning: fd)
    guard grant(fd) == 0 else { throw SystemCallError("grantpt") }
    guard unlock(fd) == 0 else { throw SystemCallError("unlockpt") }
    var buffer = [CChar](repeating: 0, count: 128)
    let code = name(fd, &buffer, buffer.count)
    guard code == 0 else { throw SystemCallError("ptsname_r", code: code) }
    return PseudoTerminal(
      master: master,
      path: String(
        decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }

  /// Makes the user `uid` the owner of the other side, as a login does, so that a program of
  /// theirs can open it again by its path (`/dev/tty` works regardless). `chown(2)`
  public func giveOwnership(to uid: UInt32) throws(SystemCallError) {
    guard chown(path, uid, gid_t.max) == 0 else { throw SystemCallError("chown", subject: path) }
  }

  /// Gives the pseudo-terminal the window size of the terminal `fd`; false when `fd` has
  /// none or the size is unchanged from `previous`. `ioctl(2)` `TIOCGWINSZ`, `TIOCSWINSZ`
  @discardableResult
  public func copyWindowSize(from fd: Int32, previous: inout winsize) -> Bool {
    var size = winsize()
    guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 else { return false }
    guard size.ws_row != previous.ws_row || size.ws_col != previous.ws_col else { return false }
    previous = size
    return ioctl(master.raw, UInt(TIOCSWINSZ), &size) == 0
  }
}

/// The terminal mode of a descriptor, saved so it can be restored.
public struct TerminalMode: Sendable {
  private let fd: Int32
  private let saved: termios

  /// Saves the mode of the terminal `fd`. `tcgetattr(3)`
  public init(of fd: Int32) throws(SystemCallError) {
    var mode = termios()
    guard tcgetattr(fd, &mode) == 0 else { throw SystemCallError("tcgetattr") }
    self.fd = fd
    saved = mode
  }

  /// Puts the terminal in raw mode: no echo, no line editing, no signals from keys, so every
  /// byte goes through to the program on the other side. `cfmakeraw(3)`, `tcsetattr(3)`
  public func makeRaw() throws(SystemCallError) {
    var raw = saved
    cfmakeraw(&raw)
    guard tcsetattr(fd, TCSADRAIN, &raw) == 0 else { throw SystemCallError("tcsetattr") }
  }

  /// Restores the saved mode. `tcsetattr(3)`
  public func restore() {
    var mode = saved
    _ = tcsetattr(fd, TCSADRAIN, &mode)
  }
}
