import ArgumentParser
import Core
import SystemCalls

/// One run against one host: the repository tree, the engine, the host and its ledger.
struct Session {
  let options: HostOptions
  let engine = Engine(plugins: PluginList.all)
  let tree: any StateTree
  let host: Host
  let stateDirectory = HostPath("/var/lib/reconcile")!

  init(options: HostOptions) throws {
    self.options = options
    tree = DirectoryTree(path: options.repositoryPath)
    let fs: RootedFileSystem
    do {
      fs = try RootedFileSystem(root: options.root)
    } catch {
      throw ValidationError("cannot open the host root \(options.root): \(error)")
    }
    let facts = HostFacts(
      name: options.hostName, live: false,
      liveUnavailableReason: LiveSystemd.unavailableReason(root: options.root),
      stateDirectory: stateDirectory)
    host = Host(fs: fs, facts: facts)
  }

  /// Loads and validates the host's declarations, printing every problem; exits 1 on errors.
  func load() throws -> Engine.LoadedHost {
    var diagnostics = Diagnostics()
    let loaded = engine.load(tree: tree, host: options.hostName, diagnostics: &diagnostics)
    print(diagnostics: diagnostics)
    guard let loaded else { throw ExitCode(ExitCodes.failure) }
    return loaded
  }

  /// Prints diagnostics to standard error, quoting the offending lines.
  func print(diagnostics: Diagnostics) {
    guard !diagnostics.all.isEmpty else { return }
    let tree = self.tree
    let renderer = DiagnosticRenderer(colour: Terminal.colour(fd: 2)) { path in
      (try? tree.contents(of: path, limit: StateRepository.fileSizeLimit)).map { String(decoding: $0, as: UTF8.self) }
    }
    Terminal.error(renderer.render(diagnostics.sorted))
  }

  /// The ledger, or a clear failure.
  func ledger() throws -> Ledger {
    try Ledger.load(from: host.fs, stateDirectory: stateDirectory)
  }
}

/// Where live systemd cannot be used.
enum LiveSystemd {
  /// Why the running systemd is not used for `root`, or nil when it is.
  static func unavailableReason(root: String) -> String? {
    if root != "/" { return "working on the offline root \(root): unit states were not read and no unit was started" }
    return "no running systemd was used (live systemd support is not built into this reconcile yet): unit states were not read and no unit was started"
  }
}
