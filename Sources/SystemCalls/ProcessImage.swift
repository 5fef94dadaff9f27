#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Replacing the running program, for commands that hand the terminal over (`reconcile exec`).
public enum ProcessImage {
  /// Changes to `directory` (when given) and replaces this process with `argv[0]` (an
  /// absolute path), whose environment is exactly `environment`. Descriptors 0-2, and so the
  /// terminal, are inherited. Returns only by throwing. `chdir(2)`, `execve(2)`
  public static func replace(
    _ argv: [String], environment: [String: String], directory: String?
  ) throws(SystemCallError) -> Never {
    precondition(argv.first?.hasPrefix("/") == true, "ProcessImage.replace needs an absolute path")
    if let directory, chdir(directory) != 0 {
      throw SystemCallError("chdir", subject: directory, code: errno)
    }
    let lines = environment.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
    let copies = argv.map { strdup($0) } + [nil]
    let environmentCopies = lines.map { strdup($0) } + [nil]
    execve(argv[0], copies, environmentCopies)
    let code = errno
    for copy in copies + environmentCopies { free(copy) }
    throw SystemCallError("execve", subject: argv[0], code: code)
  }
}
