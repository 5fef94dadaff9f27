import Testing

@testable import Core

@Suite struct MinHeapTests {
  @Test("each take gives the smallest element held, repeats included, with inserts between takes")
  func takesSmallestFirst() {
    var generator = SystemRandomNumberGenerator()
    for size in [0, 1, 2, 3, 7, 64, 1000] {
      let start = (0..<size).map { _ in Int.random(in: 0..<50, using: &generator) }
      var heap = MinHeap(start)
      var held = start
      // Inserts between takes, as the dependency order does.
      for round in 0..<(2 * size) {
        if round % 3 == 0 {
          let extra = Int.random(in: 0..<50, using: &generator)
          heap.insert(extra)
          held.append(extra)
        }
        let expected = held.min()
        if let expected { held.remove(at: held.firstIndex(of: expected)!) }
        #expect(heap.popMin() == expected, "size \(size), round \(round)")
      }
      while let expected = held.min() {
        held.remove(at: held.firstIndex(of: expected)!)
        #expect(heap.popMin() == expected, "size \(size)")
      }
      #expect(heap.isEmpty)
      #expect(heap.popMin() == nil)
    }
  }
}
