import ArgumentParser
import Core
import GitSource
import Schedule
import SystemCalls
import SystemdBus

/// One run against one host: the configuration, the source, the engine, the host and its
/// ledger.
struct Session {
  let options: HostOptions
  let engine: Engine
  let configuration: HostConfiguration
  let source: StateSource
  let host: Host
  var stateDirectory: HostPath { configuration.stateDirectory }
  var tree: any StateTree { source.tree }

  /// Opens the host root, reads the configuration and the source. `fetch` is false for
  /// commands that must not touch the mirror.
  init(options: HostOptions) throws {
    self.options = options
    let fs: RootedFileSystem
    do {
      fs = try RootedFileSystem(root: options.root)
    } catch {
      throw ValidationError("cannot open the host root \(options.root): \(error)")
    }
    var diagnostics = Diagnostics()
    configuration = try HostConfiguration.load(from: fs, diagnostics: &diagnostics)
    let schedule = try Schedule.load(from: fs, diagnostics: &diagnostics)
    engine = Engine(plugins: PluginList.all(schedule: schedule))
    Session.print(diagnostics, tree: nil)
    guard !diagnostics.hasErrors else { throw ExitCode(ExitCodes.failure) }
    let state = fs.realPath(configuration.stateDirectory)
    if let repo = options.repo {
      source = .directory(repo, stateDirectory: state)
    } else if let url = options.url ?? configuration.url {
      do {
        try fs.makeFolders(configuration.stateDirectory, mode: 0o700)
        source = try .git(
          url: url, branch: options.branch ?? configuration.branch,
          allowedSigners: options.allowedSigners ?? configuration.allowedSigners.map { Session.hostFile($0, fs) },
          access: RemoteAccess(
            sshKey: configuration.sshKey.map { Session.hostFile($0, fs) },
            knownHosts: configuration.knownHosts.map { Session.hostFile($0, fs) },
            certificateAuthorities: configuration.certificateAuthorities.map { Session.hostFile($0, fs) }),
          staleAfter: configuration.staleAfter,
          fetchTimeout: configuration.fetchTimeout, stateDirectory: state)
      } catch {
        Terminal.error("error: \(error)\n")
        throw ExitCode(ExitCodes.failure)
      }
    } else {
      throw ValidationError(
        "no state repository: pass --repo DIR (a work tree) or --url URL, or set repository.url in \(fs.realPath(HostConfiguration.path))"
      )
    }
    let name = options.host ?? configuration.host ?? SystemCalls.hostName()
    if let reason = LiveSystemd.unavailableReason(root: options.root) {
      host = Host(
        fs: fs,
        facts: HostFacts(
          name: name, live: false, liveUnavailableReason: reason, stateDirectory: configuration.stateDirectory))
    } else {
      let systemd: SystemdManagerClient
      do {
        systemd = try LiveHost.systemManager()
      } catch {
        throw ValidationError("systemd is running but cannot be reached over D-Bus: \(error)")
      }
      host = Host(
        fs: fs, systemd: systemd, userManager: LiveHost.userManager, login: LiveHost.login(), journal: LiveHost.journal,
        facts: HostFacts(name: name, live: true, stateDirectory: configuration.stateDirectory))
    }
  }

  /// The host name the run is for.
  var hostName: String { host.facts.name }

  /// Loads and validates the host's declarations, printing every problem; exits 1 on errors.
  /// The parsed repository is dropped once decoded (no command reads it afterwards), and the
  /// tree lets go of what it cached for reading. Files whose fingerprints earlier runs
  /// recorded in the host's ledger are not read again while unchanged (image archives).
  func load() throws -> Engine.LoadedHost {
    var diagnostics = Diagnostics()
    let loaded = engine.load(
      tree: tree, host: hostName,
      recorded: RecordedFingerprints(fs: host.fs, stateDirectory: stateDirectory),
      diagnostics: &diagnostics)
    print(diagnostics: diagnostics)
    guard var loaded else { throw ExitCode(ExitCodes.failure) }
    loaded.dropDeclarations()
    tree.releaseCaches()
    MemoryAllocator.releaseFreeMemory()
    return loaded
  }

  /// Plans, adding what the source has to say. `loaded` is consumed, and with `forDisplay`
  /// false the changes keep no summary or diff (`Engine.plan`).
  func plan(_ loaded: consuming Engine.LoadedHost, ledger: Ledger, forDisplay: Bool = true) throws -> Plan {
    var plan = try engine.plan(consume loaded, host: host, ledger: ledger, forDisplay: forDisplay)
    plan.limitations = source.limitations + plan.limitations
    return plan
  }

  /// Prints diagnostics to standard error, quoting the offending lines.
  func print(diagnostics: Diagnostics) { Session.print(diagnostics, tree: tree) }

  static func print(_ diagnostics: Diagnostics, tree: (any StateTree)?) {
    guard !diagnostics.all.isEmpty else { return }
    let renderer = DiagnosticRenderer(colour: Terminal.colour(fd: 2)) { path in
      guard let tree else { return nil }
      return (try? tree.contents(of: path, limit: StateRepository.fileSizeLimit)).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    Terminal.error(renderer.render(diagnostics.sorted))
  }

  /// Keeps the record of an apply: in the run log when it changed something or failed (a
  /// run with nothing to do writes nothing), in the journal always, in the metrics file
  /// when one is configured. Failures to record are reported, not fatal.
  func record(_ record: RunRecord, changedSomething: Bool) {
    if changedSomething || !record.succeeded {
      do {
        try RunLog(fs: host.fs, stateDirectory: stateDirectory).append(record)
      } catch {
        Terminal.error("warning: could not append to the run log: \(error)\n")
      }
    }
    if let journal = host.journal {
      for entry in record.journalEntries() { try? journal.send(entry) }
    }
    if let file = configuration.metricsFile {
      let metrics = Metrics(record: record, secondsSinceFetch: source.fetchAge.map(Double.init))
      do {
        try host.fs.write(file, Array(metrics.text.utf8), mode: 0o644)
      } catch {
        Terminal.error("warning: could not write the metrics file: \(error)\n")
      }
    }
  }

  /// The ledger, or a clear failure.
  func ledger() throws -> Ledger { try openLedger().ledger }

  /// The ledger with its checkpoint journal (`Ledger.open`). Reading a large ledger leaves
  /// free pages in the heap, given back before the plan is made, as after loading.
  func openLedger() throws -> (ledger: Ledger, journal: LedgerJournal) {
    let opened = try Ledger.open(from: host.fs, stateDirectory: stateDirectory)
    MemoryAllocator.releaseFreeMemory()
    return opened
  }

  /// A host-side file named in the configuration, as a real path under the root. (Paths on
  /// the command line are taken as they are.)
  private static func hostFile(_ path: String, _ fs: RootedFileSystem) -> String {
    HostPath(path).map(fs.realPath) ?? path
  }
}

/// Where live systemd cannot be used.
enum LiveSystemd {
  /// Why the running systemd is not used for `root`, or nil when it is.
  static func unavailableReason(root: String) -> String? {
    if root != "/" { return "working on the offline root \(root): unit states were not read and no unit was started" }
    if !LiveHost.isBooted {
      return
        "no running systemd (/run/systemd/system is missing: a chroot, a container or a build machine): unit states were not read and no unit was started; files and links are managed as offline"
    }
    return nil
  }
}
