import ArgumentParser
import Core

/// `reconcile plan`: what apply would change, changing nothing.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what apply would change on the host; change nothing.",
    discussion: """
      Compares the repository's desired state for the host with the host and prints the \
      changes: + create, ~ update, - delete, each with its cause (new, changed, drift, \
      conflict, prune, adoption). With --format json the plan itself is printed.

      Exit codes: 0 in sync, 2 repository changes pending, 4 drift on the host, 6 both, \
      +8 when the source is stale, 1 error.
      """)

  @OptionGroup var options: HostOptions

  func run() throws { try Self.run(options: options) }

  static func run(options: HostOptions) throws {
    let session = try Session(options: options)
    let loaded = try session.load()
    let plan: Plan
    do {
      plan = try session.plan(loaded, ledger: try session.ledger())
    } catch {
      Terminal.error("error: \(error)\n")
      throw ExitCode(ExitCodes.failure)
    }
    session.print(diagnostics: Diagnostics(plan.diagnostics.filter { !loaded.warnings.contains($0) }))
    switch options.format {
    case .json: Terminal.out(plan.json() + "\n")
    case .text: Terminal.out(PlanRenderer(colour: Terminal.colour()).render(plan))
    }
    if plan.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(ExitCodes.failure) }
    ExitCodes.exit(ExitCodes.of(plan, stale: session.source.isStale), keeping: session, loaded, plan)
  }
}
