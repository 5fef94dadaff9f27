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

  // Every access to `deepest` and `deepestKey` goes through `lock`.
  private let lock = Mutex()
  private var deepest: OpenFolder?
  /// The caller's name for `deepest` (its path), when it was asked for by one: a folder asked
  /// for again (a file's status, then its bytes) is found without splitting its path.
  private var deepestKey: String?
  private let openRoot: OpenRoot
  private let openChild: OpenChild

  init(root: @escaping OpenRoot, child: @escaping OpenChild) {
    openRoot = root
    openChild = child
  }

  /// The folder `components` below the root (none for the root itself), held open; nil when
  /// it, or a folder on the way, is missing. The folder returned stays open while it is held,
  /// whatever the cursor is asked next. `key` names the folder for the caller (its path, one
  /// string per folder); `components` are only made (and checked, by a caller that throws)
  /// when it is not the folder held deepest.
  func folder(_ key: String, _ components: () throws -> [String]) throws -> OpenFolder? {
    try lock.withLock {
      if let deepest, key == deepestKey { return deepest }
      deepestKey = nil
      guard let folder = try walk(to: components()) else { return nil }
      deepestKey = key
      return folder
    }
  }

  /// As `folder(_:_:)`, named by its components joined with `/`.
  func folder(_ components: [String]) throws -> OpenFolder? {
    try folder(components.joined(separator: "/")) { components }
  }

  /// Walks to `components` from the deepest folder held on their way. Under the lock.
  private func walk(to components: [String]) throws -> OpenFolder? {
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

  /// Closes every folder held (a folder returned and still held elsewhere stays open there).
  func release() {
    lock.withLock {
      deepest = nil
      deepestKey = nil
    }
  }
}

/// A folder held open by a `FolderCursor`, with the folder above it.
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
