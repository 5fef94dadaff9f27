import ArgumentParser
import Core
import SystemCalls

/// The `reconcile` command line.
struct Reconcile: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconcile",
    abstract: "Bring a Linux host to the state kept in a git repository.",
    discussion: """
      reconcile reads the desired state of a host (users, groups, subordinate IDs, systemd \
      units, hardening, rootless podman containers, failure email, linger) from a state \
      repository, compares it with the live host and changes only what differs.

      Typical use:
        reconcile plan --repo DIR --host NAME   show what would change
        reconcile --dry-run                      the same as 'plan'
        reconcile apply                          make the changes
        reconcile check DIR                      validate every host
        reconcile status                         in sync? drift? fresh?
        reconcile drift --since 7d               what changed behind our back
        reconcile review --base B --head H       what a pull request will do
        reconcile snapshot --output FILE         what this host looks like
        reconcile exec USER -- CMD               run as a managed user
        reconcile install --interval 5min        run from a systemd timer

      \(ExitCodes.help)
      """,
    subcommands: [
      PlanCommand.self, ApplyCommand.self, CheckCommand.self, StatusCommand.self, DriftCommand.self,
      ReviewCommand.self, SnapshotCommand.self, InstallCommand.self, UninstallCommand.self,
      ExecCommand.self,
    ]
  )

  @Flag(
    name: .customLong("dry-run"),
    help:
      "Show what would change and change nothing: 'reconcile --dry-run ...' is 'reconcile plan ...', and so is 'reconcile apply --dry-run ...'."
  )
  var dryRun = false

  func run() throws { throw CleanExit.helpRequest(self) }

  /// `--dry-run` anywhere before a subcommand, or with `apply`, means `plan`.
  static func rewritingDryRun(_ arguments: [String]) -> [String] {
    guard let flag = arguments.firstIndex(of: "--dry-run") else { return arguments }
    var arguments = arguments
    arguments.remove(at: flag)
    if arguments.first == "apply" || arguments.first == "plan" {
      arguments[0] = "plan"
    } else if let first = arguments.first,
      Reconcile.configuration.subcommands.contains(where: { $0.configuration.commandName == first })
    {
      arguments.insert("--dry-run", at: flag)
    } else {
      arguments.insert("plan", at: 0)
    }
    return arguments
  }
}

/// The entry point.
@main
enum Main {
  static func main() {
    MemoryAllocator.fixMappingThreshold()
    Reconcile.main(Reconcile.rewritingDryRun(Array(CommandLine.arguments.dropFirst())))
  }
}
