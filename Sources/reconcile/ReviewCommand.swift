import ArgumentParser
import Core
import FoundationEssentials
import GitSource
import SystemCalls

/// `reconcile review`: what a change to the state repository will do to each host.
struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "Show what a change to the state repository (a pull request) will do to each host.",
    discussion: """
      Compares two commits of a local git repository. For every host whose declarations \
      differ between them (or each host named with --host), the base commit is applied by \
      the engine into a scratch root seeded with a fresh Debian 12 /etc, and the head \
      commit is planned against it: the changes shown are what merging will do, with their \
      causes and diffs, the plugins' notes (exposure before and after), and the warnings \
      and errors that are new at head (an error means reconcile would refuse the commit on \
      that host). Hosts added and removed at head are said so. No host is needed or touched; \
      nothing is written outside temporary folders.

      With --snapshot FILE (made by 'reconcile snapshot' on a host), that host is planned \
      against its snapshot instead, so drift on it shows beside the change.

      Simulating a commit writes root-owned files and runs shadow-utils for accounts, as \
      reconcile does on a host: run the review as root (sudo, or a container running as \
      root). Hosts new at head and hosts with a snapshot need no root.

      Formats: text (as 'plan' prints, per host), json (a stable document), markdown (to \
      post as a pull-request comment: errors and warnings first, a summary table, diffs \
      folded). When nothing changes, every format says "\(Review.nothingToDo)"

      Exit codes: 0 the review ran (whatever it found), 1 it could not be made (no such \
      revision, an unreadable snapshot, root needed).
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The commit the change starts from (a branch, origin/main, HEAD~1, a commit id).",
      valueName: "rev"))
  var base: String

  @Option(name: .long, help: ArgumentHelp("The commit proposed.", valueName: "rev"))
  var head: String = "HEAD"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The git repository: a work tree, a folder inside one (its state repository), or a "
        + "bare repository.",
      valueName: "dir"))
  var repo: String = "."

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Review only this host (repeatable); it is shown even when unchanged.", valueName: "name"))
  var host: [String] = []

  @Option(name: .long, help: "Output format: text, json or markdown.")
  var format: ReviewFormat = .text

  @Option(
    name: .long,
    help: ArgumentHelp(
      "A snapshot from 'reconcile snapshot': plan its host against it instead of the "
        + "simulated base (repeatable, one per host).",
      valueName: "file"))
  var snapshot: [String] = []

  func run() throws {
    do {
      let repository = try LocalRepository(path: repo)
      let baseTree = try repository.tree(at: try repository.commit(base))
      let headTree = try repository.tree(at: try repository.commit(head))
      let snapshots = try snapshot.map(Self.readSnapshot)
      let reviewer = Reviewer(
        engine: Engine(plugins: PluginList.all), pluginsNeedingRoot: PluginList.needingRoot,
        canApply: ProcessIdentity.isRoot)
      var review = try reviewer.review(
        base: baseTree, head: headTree, named: host, snapshots: snapshots)
      review.base = baseTree.commit.hex
      review.head = headTree.commit.hex
      switch format {
      case .json: Terminal.out(review.json() + "\n")
      case .markdown: Terminal.out(ReviewMarkdown().render(review))
      case .text:
        let renderer = ReviewRenderer(colour: Terminal.colour()) { path in
          (try? headTree.contents(of: path, limit: StateRepository.fileSizeLimit)).map {
            String(decoding: $0, as: UTF8.self)
          }
        }
        Terminal.out(renderer.render(review))
      }
    } catch {
      Terminal.error("error: \(error)\n")
      throw ExitCode(ExitCodes.failure)
    }
  }

  /// Reads a snapshot written by `reconcile snapshot`.
  static func readSnapshot(_ file: String) throws -> HostObservation {
    let data: Data
    do {
      data = Data(try Descriptor.open(file, flags: OpenFlags.readOnly).readAll())
    } catch let error as SystemCallError {
      throw ReviewError("cannot read the snapshot \(file): \(error.reason)")
    }
    let observation: HostObservation
    do {
      observation = try JSONDecoder().decode(HostObservation.self, from: data)
    } catch {
      throw ReviewError("\(file) is not a snapshot made by 'reconcile snapshot' (\(error))")
    }
    guard observation.version == 1 else {
      throw ReviewError(
        "\(file) is a snapshot of format \(observation.version); this reconcile reads format 1")
    }
    return observation
  }
}

/// How a review is printed.
enum ReviewFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown
}
