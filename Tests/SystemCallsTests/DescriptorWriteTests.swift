import Foundation
import SystemCalls
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Descriptor.writeAll` on a non-blocking pipe whose reader is slow.
@Suite struct DescriptorWriteTests {
  /// Everything arrives, in order, and the writer waits in poll(2) while the pipe is full
  /// rather than retrying write(2) in a loop: the writing thread's CPU time stays far below
  /// the reader's half-second pause (a spinning loop burns about all of it).
  @Test func writesEverythingToAFullNonBlockingPipeWithoutSpinning() throws {
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    let writer = Descriptor(owning: ends[1])
    #expect(fcntl(writer.raw, F_SETFL, fcntl(writer.raw, F_GETFL) | O_NONBLOCK) == 0)
    let readEnd = ends[0]
    let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    let received = ReceivedBytes()
    let reader = Thread {
      defer { close(readEnd) }
      usleep(500_000)
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = read(readEnd, &buffer, buffer.count)
        if count <= 0 { break }
        received.append(buffer[..<count])
      }
      received.finish()
    }
    reader.start()

    let cpuBefore = threadCPUTime()
    try writer.writeAll(bytes)
    let cpu = threadCPUTime() - cpuBefore
    _ = consume writer  // closes the pipe: the reader sees its end
    received.waitUntilFinished()

    #expect(received.bytes == bytes)
    #expect(cpu < 0.1, "the writer used \(cpu) s of CPU while the pipe was full")
  }

  /// The calling thread's CPU time in seconds.
  private func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// The bytes the reader thread received, and when it was done.
private final class ReceivedBytes: @unchecked Sendable {
  private let condition = NSCondition()
  private var collected: [UInt8] = []
  private var done = false

  var bytes: [UInt8] { condition.withLock { collected } }

  func append(_ piece: ArraySlice<UInt8>) { condition.withLock { collected += piece } }

  func finish() {
    condition.withLock {
      done = true
      condition.broadcast()
    }
  }

  func waitUntilFinished() {
    condition.withLock { while !done { condition.wait() } }
  }
}
