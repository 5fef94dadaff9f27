import SystemCalls
import Testing

/// `ByteSearch.firstIndex` against Swift's own search, at every position of a buffer longer
/// than a vector register, and in empty and partial buffers.
@Suite struct ByteSearchTests {
  @Test func findsTheFirstOccurrenceOrNone() {
    var bytes = [UInt8](repeating: 7, count: 100)
    bytes.withUnsafeBufferPointer { #expect(ByteSearch.firstIndex(of: 10, in: $0) == nil) }
    for position in bytes.indices {
      bytes[position] = 10
      bytes.withUnsafeBufferPointer { buffer in
        #expect(ByteSearch.firstIndex(of: 10, in: buffer) == position)
        let rest = UnsafeBufferPointer(rebasing: buffer[min(position + 1, buffer.count)...])
        #expect(ByteSearch.firstIndex(of: 10, in: rest) == nil)
      }
      bytes[position] = 7
    }
    [UInt8]().withUnsafeBufferPointer { #expect(ByteSearch.firstIndex(of: 0, in: $0) == nil) }
    [0, 1, 0].withUnsafeBufferPointer { #expect(ByteSearch.firstIndex(of: 0, in: $0) == 0) }
    [255, 1].withUnsafeBufferPointer { #expect(ByteSearch.firstIndex(of: 255, in: $0) == 0) }
  }
}
