/// A binary min-heap of integers: the smallest is taken in O(log n). The dependency order
/// takes the lowest ready change tens of thousands of times on a large first apply, where a
/// search of the ready list each time was quadratic.
struct MinHeap {
  private var storage: [Int] = []

  /// A heap of `elements`.
  init(_ elements: some Sequence<Int>) {
    storage = Array(elements)
    for index in stride(from: storage.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
  }

  var isEmpty: Bool { storage.isEmpty }

  /// Adds `element`.
  mutating func insert(_ element: Int) {
    storage.append(element)
    var child = storage.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard storage[child] < storage[parent] else { break }
      storage.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the smallest element, or nil when empty.
  mutating func popMin() -> Int? {
    guard let last = storage.popLast() else { return nil }
    guard !storage.isEmpty else { return last }
    let smallest = storage[0]
    storage[0] = last
    siftDown(0)
    return smallest
  }

  private mutating func siftDown(_ start: Int) {
    var parent = start
    while true {
      let left = 2 * parent + 1
      guard left < storage.count else { return }
      let right = left + 1
      let child = right < storage.count && storage[right] < storage[left] ? right : left
      guard storage[child] < storage[parent] else { return }
      storage.swapAt(child, parent)
      parent = child
    }
  }
}
