import ArgumentParser
import Core

/// The `reconcile` command line.
@main
struct Reconcile: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconcile",
    abstract: "Bring a Linux host to the state kept in a git repository.",
    discussion: """
      reconcile reads the desired state of a host (users, groups, subordinate IDs, systemd \
      units, hardening, rootless podman containers, failure email, linger) from a state \
      repository, compares it with the live host and changes only what differs.

      Typical use:
        reconcile plan --repo /srv/state --host gemini     show what would change
        reconcile --dry-run                                 the same as 'plan'
        reconcile apply                                     make the changes
        reconcile check /srv/state                          validate every host

      \(ExitCodes.help)
      """,
    subcommands: [PlanCommand.self, ApplyCommand.self, CheckCommand.self]
  )

  @Flag(name: .customLong("dry-run"), help: "Show what would change and change nothing (same as 'plan').")
  var dryRun = false

  @OptionGroup var options: HostOptions

  func run() throws {
    guard dryRun else { throw CleanExit.helpRequest(self) }
    try PlanCommand.run(options: options)
  }
}
