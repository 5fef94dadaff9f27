import SystemCalls

/// The folders of one path held open, from the root down: reading many files in a few
/// folders opens each folder once, not once per file. Asked for a folder, the cursor keeps
/// the folders it holds that lead to it, closes the others and opens the rest from the
/// deepest one kept, one component at a time with the caller's `open` (which refuses
/// symlinks). A 5,000-user repository is 2,000 folders and 12,000 files; walked from the root
/// for each file, its reading was four folders opened and closed per file.
///
/// A held folder is the one that was there when it was opened: a folder renamed or replaced
/// afterwards is not seen. So a cursor belongs to reading that changes nothing it reads (a
/// repository's work tree while it loads, the host while a plugin observes it), and is let go
/// of after.
final class FolderCursor: @unchecked Sendable {
  /// Opens the root.
  typealias OpenRoot = () throws -> Descriptor
  /// Opens `name` in a held folder, on the way to the folder of the components given (for
  /// errors to name); nil when it is missing.
  typealias OpenChild = (borrowing Descriptor, String, [String]) throws -> Descriptor?

  // Every access to `deepest` goes through `lock`.
  private let lock = Mutex()
  private var deepest: OpenFolder?
  private let openRoot: OpenRoot
  private let openChild: OpenChild

  init(root: @escaping OpenRoot, child: @escaping OpenChild) {
    openRoot = root
    openChild = child
  }

  /// The folder `components` below the root (none for the root itself), held open; nil when
  /// it, or a folder on the way, is missing. The folder returned stays open while it is held,
  /// whatever the cursor is asked next.
  func folder(_ components: [String]) throws -> OpenFolder? {
    try lock.withLock {
      var held: [OpenFolder] = []
      var node = deepest
      while let folder = node {
        held.append(folder)
        node = folder.parent
      }
      held.reverse()
      // held[0] is the root, held[i] the folder of components[i - 1].
      var kept = held.isEmpty ? 0 : 1
      while kept < held.count, kept <= components.count, held[kept].name == components[kept - 1] {
        kept += 1
      }
      var folder = kept > 0 ? held[kept - 1] : OpenFolder(name: "", depth: 0, descriptor: try openRoot(), parent: nil)
      deepest = folder
      for component in components[folder.depth...] {
        guard let descriptor = try openChild(folder.descriptor, component, components) else { return nil }
        folder = OpenFolder(name: component, depth: folder.depth + 1, descriptor: descriptor, parent: folder)
        deepest = folder
      }
      return folder
    }
  }

  /// Closes every folder held (a folder returned and still held elsewhere stays open there).
  func release() {
    lock.withLock { deepest = nil }
  }
}

/// A folder held open by a `FolderCursor` (or on its own), with the folder above it.
final class OpenFolder: @unchecked Sendable {
  // Immutable after init; the descriptor is only read through.
  let name: String
  let depth: Int
  let descriptor: Descriptor
  let parent: OpenFolder?

  init(name: String, depth: Int, descriptor: consuming Descriptor, parent: OpenFolder?) {
    self.name = name
    self.depth = depth
    self.descriptor = descriptor
    self.parent = parent
  }
}
