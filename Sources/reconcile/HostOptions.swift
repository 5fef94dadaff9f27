import ArgumentParser
import Core
import SystemCalls

/// Options shared by the commands that look at one host.
struct HostOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The state repository: a folder holding reconcile.yaml, hosts/ and roles/.", valueName: "dir"))
  var repo: String?

  @Option(name: .long, help: ArgumentHelp("The host to reconcile (default: this machine's host name).", valueName: "name"))
  var host: String?

  @Option(name: .long, help: ArgumentHelp("Treat DIR as the root of the host: every file read or written is under it (default: /).", valueName: "dir"))
  var root: String = "/"

  @Option(name: .long, help: "Output format: text or json.")
  var format: OutputFormat = .text

  /// The host name to use.
  var hostName: String { host ?? SystemCalls.hostName() }

  /// The repository folder; the current folder when none was given.
  var repositoryPath: String { repo ?? "." }
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
