#if canImport(Glibc)
import Glibc
#endif

/// A git repository already on this machine (a clone's work tree, a folder inside one, or a
/// bare repository), opened to read the trees of its commits: what `reconcile review`
/// compares. Nothing is fetched, checked out or written, and no signature is checked: a
/// review judges a proposal, it does not apply it.
///
/// Opened on a folder inside a work tree, the trees are rooted at that folder, so a state
/// repository kept in a sub-folder of a larger repository reviews as if it were the root.
///
/// Not `Sendable`; the `GitTree`s it makes are, each on its own handle.
public final class LocalRepository {
  /// The git directory, e.g. `/src/state/.git/`.
  public let gitDirectory: String
  /// The folder of the work tree the state repository is in (`""`: the whole tree).
  public let folder: String
  private let repository: GitRepository

  /// Opens the repository holding `path`, searching upwards as git does.
  public init(path: String) throws {
    do {
      repository = try GitRepository.open(searchingFrom: path)
      gitDirectory = repository.gitDirectory
      folder = try Self.folder(of: path, in: repository.workTree)
    } catch let error as LocalRepositoryError {
      throw error
    } catch {
      throw LocalRepositoryError(
        operation: "opening the git repository at \(path)", underlying: error)
    }
  }

  /// The commit `revision` names (`main`, `origin/main`, `HEAD~1`, a tag, an object id).
  public func commit(_ revision: String) throws -> ObjectID {
    do {
      return try repository.commit(named: revision)
    } catch {
      throw LocalRepositoryError(
        operation: "finding the commit '\(revision)' in \(gitDirectory)", underlying: error)
    }
  }

  /// The state repository's tree at `commit`, read from objects on a handle of its own.
  public func tree(at commit: ObjectID) throws -> GitTree {
    do {
      return try GitTree(
        repository: try GitRepository.open(gitDirectory: gitDirectory), commit: commit,
        folder: folder)
    } catch {
      throw LocalRepositoryError(
        operation: "reading the tree of commit \(commit.short) in \(gitDirectory)",
        underlying: error)
    }
  }

  /// `path` relative to the work tree, or `""` (a bare repository, or the work tree itself).
  private static func folder(of path: String, in workTree: String?) throws -> String {
    guard let workTree else { return "" }
    let real = try realPath(path)
    let top = try realPath(workTree)
    guard real != top else { return "" }
    guard real.hasPrefix(top + "/") else {
      throw LocalRepositoryError(
        operation: "opening the git repository at \(path)",
        reason: "\(real) is not inside the work tree \(top)")
    }
    let relative = String(real.dropFirst(top.count + 1))
    return relative.split(separator: "/").joined(separator: "/")
  }

  /// The canonical absolute path, symlinks resolved. `realpath(3)`
  private static func realPath(_ path: String) throws -> String {
    guard let resolved = realpath(path, nil) else {
      throw LocalRepositoryError(
        operation: "opening the git repository at \(path)",
        reason: "cannot resolve \(path): \(String(cString: strerror(errno)))")
    }
    defer { free(resolved) }
    let text = String(cString: resolved)
    return text == "/" ? "" : text
  }
}

/// Opening or reading a local repository failed: what was being done and why.
public struct LocalRepositoryError: Error, Sendable, CustomStringConvertible {
  /// What was being done, e.g. `finding the commit 'main' in /src/state/.git/`.
  public var operation: String
  /// Why it failed, in words.
  public var reason: String

  /// Creates an error with a reason in words.
  public init(operation: String, reason: String) {
    self.operation = operation
    self.reason = reason
  }

  /// Wraps a lower error.
  init(operation: String, underlying: any Error) {
    self.init(operation: operation, reason: String(describing: underlying))
  }

  public var description: String { "\(operation) failed: \(reason)" }
}
