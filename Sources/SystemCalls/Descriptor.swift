#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An owned open file descriptor, closed when the value is consumed or goes away.
///
/// Every call is a thin wrapper; its doc ends with the C function it calls.
public struct Descriptor: ~Copyable {
  /// The raw descriptor number.
  public let raw: Int32

  /// Takes ownership of `raw`.
  public init(owning raw: Int32) { self.raw = raw }

  deinit { _ = Glibc.close(raw) }

  /// Opens `name` relative to this directory descriptor. `openat(2)`
  public func open(
    _ name: String, flags: Int32, mode: UInt32 = 0
  ) throws -> Descriptor {
    let fd = try check("openat", name) { Glibc.openat(raw, name, flags | O_CLOEXEC, mode) }
    return Descriptor(owning: fd)
  }

  /// Opens an absolute or cwd-relative path. `open(2)`
  public static func open(
    _ path: String, flags: Int32, mode: UInt32 = 0
  ) throws -> Descriptor {
    let fd = try check("open", path) { Glibc.open(path, flags | O_CLOEXEC, mode) }
    return Descriptor(owning: fd)
  }

  /// Status of the open file. `fstat(2)`
  public func status() throws -> FileStatus {
    var st = stat()
    try check("fstat") { Glibc.fstat(raw, &st) }
    return FileStatus(st)
  }

  /// Status of `name` in this directory, not following a final symlink. `fstatat(2)`
  public func status(of name: String) throws -> FileStatus {
    var st = stat()
    try check("fstatat", name) { Glibc.fstatat(raw, name, &st, AT_SYMLINK_NOFOLLOW) }
    return FileStatus(st)
  }

  /// Reads the whole file from the current offset, refusing more than `limit` bytes. `read(2)`
  ///
  /// `size`: what `fstat` gave for a regular file just opened. The file is then read into
  /// an array of that size with one call: a read that gives exactly `size` bytes when asked
  /// for one more has reached the end, and the second call that would say so (half of the
  /// reads of a run that observes thousands of small files) is left out. A file that grew or
  /// shrank meanwhile, or a file system that reads short, is read on to its end as before.
  public func readAll(limit: Int = .max, size: Int? = nil) throws -> [UInt8] {
    var result: [UInt8] = []
    if let size, size > 0, size <= limit {
      result = try [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
        count = try check("read") { Glibc.read(raw, buffer.baseAddress, buffer.count) }
      }
      if result.count == size || result.isEmpty { return result }
      if result.count > limit { throw SystemCallError("read", code: EFBIG) }
    }
    while true {
      // Read into uninitialised memory: zero-filling a 64 KiB buffer for every small file
      // cost more than the read.
      let chunk = try [UInt8](unsafeUninitializedCapacity: 65536) { buffer, count in
        count = try check("read") { Glibc.read(raw, buffer.baseAddress, buffer.count) }
      }
      if chunk.isEmpty { return result }
      if result.count + chunk.count > limit { throw SystemCallError("read", code: EFBIG) }
      // A file larger than one chunk is given its whole size at once: grown by doubling, a
      // ledger of 8 MB was copied at every step and its read peaked at 12 MB.
      if result.isEmpty && chunk.count == 65536, let size = try? status().size, size > chunk.count {
        result.reserveCapacity(min(size, limit))
      }
      result.append(contentsOf: chunk)
    }
  }

  /// Up to `count` bytes from `offset`, fewer only at the end of the file; the descriptor's
  /// own offset does not move. `pread(2)`
  public func read(at offset: Int, count: Int) throws -> [UInt8] {
    try [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
      filled = 0
      while filled < count {
        let n = try check("pread") {
          Glibc.pread(raw, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
        }
        if n == 0 { break }
        filled += n
      }
    }
  }

  /// Reads the file from the current offset in pieces of at most 64 KiB, handing each to
  /// `body` (valid only during the call), refusing more than `limit` bytes in all. Returns
  /// the number of bytes read. `read(2)`
  @discardableResult
  public func read(limit: Int = .max, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
    defer { buffer.deallocate() }
    var total = 0
    while true {
      let count = try check("read") { Glibc.read(raw, buffer.baseAddress, buffer.count) }
      if count == 0 { return total }
      total += count
      if total > limit { throw SystemCallError("read", code: EFBIG) }
      try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
  }

  /// Sets the access and modification times of `name` in this directory (nanoseconds since
  /// the epoch), not following a final symlink. The status change time becomes now.
  /// `utimensat(2)`
  public func setTimes(of name: String, accessed: Int64, modified: Int64) throws {
    var times = [accessed, modified].map {
      timespec(tv_sec: Int($0 / 1_000_000_000), tv_nsec: Int($0 % 1_000_000_000))
    }
    try check("utimensat", name) { Glibc.utimensat(raw, name, &times, AT_SYMLINK_NOFOLLOW) }
  }

  /// Writes all of `bytes`. `write(2)`
  public func writeAll(_ bytes: [UInt8]) throws {
    let fd = raw
    if let code = bytes.withUnsafeBytes({ write(all: $0, to: fd) }) { throw SystemCallError("write", code: code) }
  }

  /// Flushes the file (or directory) to stable storage. `fsync(2)`
  public func sync() throws {
    try check("fsync") { Glibc.fsync(raw) }
  }

  /// Cuts the file to `size` bytes. `ftruncate(2)`
  public func truncate(to size: Int) throws {
    try check("ftruncate") { Glibc.ftruncate(raw, off_t(size)) }
  }

  /// Sets owner and group. `fchown(2)`
  public func changeOwner(uid: UInt32, gid: UInt32) throws {
    try check("fchown") { Glibc.fchown(raw, uid, gid) }
  }

  /// Sets the permission bits. `fchmod(2)`
  public func changeMode(_ mode: UInt32) throws {
    try check("fchmod") { Glibc.fchmod(raw, mode) }
  }

  /// Creates directory `name` in this directory. `mkdirat(2)`
  public func makeDirectory(_ name: String, mode: UInt32) throws {
    try check("mkdirat", name) { Glibc.mkdirat(raw, name, mode) }
  }

  /// Removes `name` (a directory when `directory` is true). `unlinkat(2)`
  public func remove(_ name: String, directory: Bool = false) throws {
    try check("unlinkat", name) { Glibc.unlinkat(raw, name, directory ? AT_REMOVEDIR : 0) }
  }

  /// Renames `from` in this directory to `to` in `target`, atomically. `renameat(2)`
  public func rename(
    _ from: String, to: String, in target: borrowing Descriptor
  ) throws {
    try check("renameat", to) { Glibc.renameat(raw, from, target.raw, to) }
  }

  /// Creates a symlink `name` in this directory pointing at `target`. `symlinkat(2)`
  public func makeSymlink(_ name: String, target: String) throws {
    try check("symlinkat", name) { Glibc.symlinkat(target, raw, name) }
  }

  /// The target of symlink `name` in this directory. `readlinkat(2)`
  ///
  /// The buffer is on the stack, as is `entries()`'s: asking the heap for a block of a KiB or
  /// more makes glibc first merge the small blocks freed since its last such request, and a
  /// plan lists thousands of folders and links.
  public func symlinkTarget(_ name: String) throws -> String {
    try withUnsafeTemporaryAllocation(byteCount: Int(PATH_MAX) + 1, alignment: 1) { bytes in
      let target = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
      let n = try check("readlinkat", name) { Glibc.readlinkat(raw, name, target, bytes.count - 1) }
      return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<n]), as: UTF8.self)
    }
  }

  /// The names in this directory, without `.` and `..`, sorted. `getdents64(2)` on this
  /// descriptor from its start: a directory stream on a copy of it (`fdopendir(3)`, the
  /// fallback) cost a `dup`, two `fcntl` and a `close` more for every folder listed.
  public func entries() throws -> [String] {
    guard let getdents = LibC.getdents64 else { return try streamedEntries() }
    try check("lseek") { Glibc.lseek(raw, 0, SEEK_SET) }
    // On the stack (see `symlinkTarget`).
    return try withUnsafeTemporaryAllocation(byteCount: 32 << 10, alignment: 8) { buffer in
      var names: [String] = []
      while true {
        let filled = try check("getdents64") { getdents(raw, buffer.baseAddress, buffer.count) }
        if filled == 0 { return names.sorted() }
        // Each record: inode (8 bytes), offset (8), its length (2), type (1), then the name,
        // ended by a zero byte.
        var record = 0
        while record < filled {
          let length = Int(buffer.loadUnaligned(fromByteOffset: record + 16, as: UInt16.self))
          let name = UnsafeRawBufferPointer(rebasing: buffer[(record + 19)..<(record + length)]).prefix { $0 != 0 }
          if !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8) {
            names.append(String(decoding: name, as: UTF8.self))
          }
          record += length
        }
      }
    }
  }

  /// `entries()` through a directory stream. `fdopendir(3)`, `readdir(3)`
  private func streamedEntries() throws -> [String] {
    let copy = try check("dup") { Glibc.dup(raw) }
    guard let dir = Glibc.fdopendir(copy) else {
      let error = SystemCallError("fdopendir")
      _ = Glibc.close(copy)
      throw error
    }
    defer { Glibc.closedir(dir) }
    Glibc.rewinddir(dir)
    var names: [String] = []
    while let entry = Glibc.readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Takes a POSIX record lock on the whole file, waiting when `wait`. `fcntl(2)` `F_SETLK(W)`
  ///
  /// This is the lock `lckpwdf(3)` takes on `/etc/.pwd.lock`; `flock(2)` does not interlock with it.
  public func lockRecord(exclusive: Bool = true, wait: Bool) throws {
    var lock = flock()
    lock.l_type = Int16(exclusive ? F_WRLCK : F_RDLCK)
    lock.l_whence = Int16(SEEK_SET)
    try check("fcntl") { Glibc.fcntl(raw, wait ? F_SETLKW : F_SETLK, &lock) }
  }

  /// Takes an open-file-description lock without waiting; throws `EAGAIN` when another
  /// open of the file holds it. Released when the descriptor closes. `fcntl(2)` `F_OFD_SETLK`
  public func lockExclusiveNow() throws {
    var lock = flock()
    lock.l_type = Int16(F_WRLCK)
    lock.l_whence = Int16(SEEK_SET)
    try check("fcntl") { Glibc.fcntl(raw, 37 /* F_OFD_SETLK on Linux */, &lock) }
  }
}

extension Descriptor {
  /// Replaces `name` in this directory atomically: `bytes` go to `temporary` (created
  /// exclusively, never through a symlink), which gets `uid:gid` and `mode`, is fsynced and
  /// renamed over `name`; then the directory is fsynced. With `durable` false both fsyncs are
  /// skipped: still atomic, but a power loss may bring back the previous version. On failure
  /// the temporary file is removed and the target is unchanged.
  /// `openat(2)`, `fchown(2)`, `fchmod(2)`, `write(2)`, `fsync(2)`, `renameat(2)`
  public func replaceAtomically(
    _ name: String, with bytes: [UInt8], temporary: String, mode: UInt32, uid: UInt32, gid: UInt32,
    durable: Bool = true
  ) throws {
    try replaceAtomically(
      name, temporary: temporary, mode: mode, uid: uid, gid: gid, durable: durable, contents: { try $0(bytes) })
  }

  /// As `replaceAtomically(_:with:temporary:mode:uid:gid:durable:)`, the contents handed
  /// over in pieces: `contents` calls `write` with each, in order, so that a large file is
  /// never held whole in memory. An error `contents` throws fails the replacement.
  /// `openat(2)`, `fchown(2)`, `fchmod(2)`, `write(2)`, `fsync(2)`, `renameat(2)`
  public func replaceAtomically(
    _ name: String, temporary: String, mode: UInt32, uid: UInt32, gid: UInt32, durable: Bool = true,
    contents: (_ write: ([UInt8]) throws -> Void) throws -> Void
  ) throws {
    let file = try open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
    do {
      try file.changeOwner(uid: uid, gid: gid)
      try file.changeMode(mode)
      try contents { try file.writeAll($0) }
      if durable { try file.sync() }
      try rename(temporary, to: name, in: self)
    } catch {
      try? remove(temporary)
      throw error
    }
    if durable { try sync() }
  }
}

/// Writes all of `bytes` to descriptor `fd`, retrying after a signal, and waiting (in
/// `poll(2)`, not spinning) while a non-blocking descriptor is full; the `errno` of a failed
/// write, nil when everything was written. The one write loop of the package (callers throw,
/// or not, as they need). `write(2)`
func write(all bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
  var offset = 0
  while offset < bytes.count {
    let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
    if written < 0 {
      let code = errno
      if code == EINTR { continue }
      guard code == EAGAIN || code == EWOULDBLOCK else { return code }
      var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      if poll(&ready, 1, -1) < 0 && errno != EINTR { return errno }
      continue
    }
    offset += written
  }
  return nil
}
