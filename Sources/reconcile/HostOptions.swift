import ArgumentParser
import Core
import SystemCalls

/// Options shared by the commands that look at one host.
struct HostOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A state repository folder (a work tree), read as it is: no fetch, no signature check. Without it, the git repository of --url or of /etc/reconcile/config.yaml is used.",
      valueName: "dir"))
  var repo: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "A git repository to fetch, verify and read (overrides the configuration's repository.url).", valueName: "url"))
  var url: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The branch to follow with --url (default: the configuration's, or main).", valueName: "name"))
  var branch: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "An ssh-keygen allowed-signers file: every new commit must be signed by one of them.", valueName: "file"))
  var allowedSigners: String?

  @Option(
    name: .long, help: ArgumentHelp("The host to reconcile (default: this machine's host name).", valueName: "name"))
  var host: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Treat DIR as the root of the host: every file read or written is under it (default: /).", valueName: "dir"))
  var root: String = "/"

  @Option(name: .long, help: "Output format: text or json.")
  var format: OutputFormat = .text

}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
