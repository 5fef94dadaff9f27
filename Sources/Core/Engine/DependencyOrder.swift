/// Orders changes so that each comes after what it depends on. A deletion reverses its
/// edges: a resource is removed before the things it needed (a user before its group).
/// `Change.after` is never reversed: it orders a deletion after other changes.
public enum DependencyOrder {
  /// A dependency cycle, named in order.
  public struct Cycle: Error, Sendable, CustomStringConvertible {
    public var addresses: [Address]
    public var description: String {
      "dependency cycle: " + (addresses + [addresses[0]]).map(\.description).joined(separator: " -> ")
    }
  }

  /// The order in which to apply `changes`, and for each change (by index in the result) the
  /// indexes of the changes that must succeed first. Ties keep the input order.
  public static func sort(_ changes: [Change]) throws -> (ordered: [Change], prerequisites: [[Int]]) {
    let (order, prerequisites) = try orderAndPrerequisites(changes)
    return (order.map { changes[$0] }, prerequisites)
  }

  /// Puts `changes` in the order `sort` gives, in place: a plan of tens of thousands of
  /// changes is not copied to be ordered.
  public static func order(_ changes: inout [Change]) throws {
    let order = try orderAndPrerequisites(changes).order
    // Position p takes the change at order[p]: follow each cycle of that permutation, keeping
    // aside only the change its first position held.
    var placed = [Bool](repeating: false, count: changes.count)
    for start in changes.indices where !placed[start] {
      let first = changes[start]
      var p = start
      while true {
        placed[p] = true
        let source = order[p]
        if source == start {
          changes[p] = first
          break
        }
        changes[p] = changes[source]
        p = source
      }
    }
  }

  /// For changes already in application order (a plan's), the indexes of the changes each
  /// needs to succeed first: `sort(changes).prerequisites` without the reordered copy.
  public static func prerequisites(of changes: [Change]) throws -> [[Int]] {
    try orderAndPrerequisites(changes).prerequisites
  }

  /// The application order (indexes into `changes`) and each ordered change's prerequisites.
  private static func orderAndPrerequisites(_ changes: [Change]) throws -> (order: [Int], prerequisites: [[Int]]) {
    var index: [Address: Int] = [:]
    index.reserveCapacity(changes.count)
    for (i, change) in changes.enumerated() where index[change.address] == nil { index[change.address] = i }
    // before[i]: changes that must come before change i.
    var before = [[Int]](repeating: [], count: changes.count)
    for (i, change) in changes.enumerated() {
      for dependency in change.dependsOn {
        guard let j = index[dependency], j != i else { continue }
        if change.action == .delete {
          before[j].append(i)
        } else {
          before[i].append(j)
        }
      }
      for dependency in change.after {
        guard let j = index[dependency], j != i else { continue }
        before[i].append(j)
      }
    }
    var after = [[Int]](repeating: [], count: changes.count)
    var waiting = before.map(\.count)
    for (i, list) in before.enumerated() { for j in list { after[j].append(i) } }
    // The lowest ready index first, so ties keep the input order.
    var ready = MinHeap((0..<changes.count).lazy.filter { waiting[$0] == 0 })
    var order: [Int] = []
    order.reserveCapacity(changes.count)
    while let next = ready.popMin() {
      order.append(next)
      for k in after[next] {
        waiting[k] -= 1
        if waiting[k] == 0 { ready.insert(k) }
      }
    }
    guard order.count == changes.count else {
      throw Cycle(
        addresses: findCycle(before: before, remaining: Set(0..<changes.count).subtracting(order)).map {
          changes[$0].address
        })
    }
    var position = [Int](repeating: 0, count: changes.count)
    for (p, i) in order.enumerated() { position[i] = p }
    return (order, order.map { i in before[i].map { position[$0] }.sorted() })
  }

  private static func findCycle(before: [[Int]], remaining: Set<Int>) -> [Int] {
    var path: [Int] = []
    var onPath = Set<Int>()
    var visited = Set<Int>()
    func visit(_ i: Int) -> [Int]? {
      if onPath.contains(i) { return Array(path[path.firstIndex(of: i)!...]) }
      if visited.contains(i) { return nil }
      visited.insert(i)
      onPath.insert(i)
      path.append(i)
      for j in before[i] where remaining.contains(j) {
        if let cycle = visit(j) { return cycle }
      }
      path.removeLast()
      onPath.remove(i)
      return nil
    }
    for i in remaining.sorted() {
      if let cycle = visit(i) { return cycle.reversed() }
    }
    return remaining.sorted()
  }
}
