import ArgumentParser
import Core
import FoundationEssentials

/// `reconcile check`: validate every host of a repository, touching no host.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate every host of a state repository without touching any host.",
    discussion: """
      Reports every problem at once as FILE:LINE:COL: error: ..., quoting the line. Other \
      formats: json (a document), github (GitHub and Forgejo Actions workflow commands, \
      '::error file=F,line=L,col=C::message', which annotate the lines of a pull request), \
      plain (one 'FILE:LINE:COL: error: message' per line, for editors and scripts).

      Exit codes: 0 valid, 1 problems found.
      """)

  @Argument(help: ArgumentHelp("The state repository (default: --repo, or the current folder).", valueName: "repo"))
  var repository: String?

  @Option(name: .long, help: ArgumentHelp("The state repository.", valueName: "dir"))
  var repo: String?

  @Option(name: .long, help: "Output format: text, json, github or plain.")
  var format: CheckFormat = .text

  func run() throws {
    let tree = DirectoryTree(path: repository ?? repo ?? ".")
    let (hosts, diagnostics) = Engine(plugins: PluginList.all).check(tree: tree)
    switch format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let document = CheckOutput(hosts: hosts, valid: !diagnostics.hasErrors, diagnostics: diagnostics.sorted)
      Terminal.out(String(decoding: try encoder.encode(document), as: UTF8.self) + "\n")
    case .github:
      Terminal.out(diagnostics.sorted.map { $0.githubAnnotation + "\n" }.joined())
    case .plain:
      Terminal.out(diagnostics.sorted.map { $0.plainLine + "\n" }.joined())
    case .text:
      Session.print(diagnostics, tree: tree)
      if !diagnostics.hasErrors {
        Terminal.out("ok: \(hosts.count) host\(hosts.count == 1 ? "" : "s") valid (\(hosts.joined(separator: ", ")))\n")
      } else {
        Terminal.error("\(diagnostics.errors.count) error\(diagnostics.errors.count == 1 ? "" : "s") found.\n")
      }
    }
    if diagnostics.hasErrors { throw ExitCode(ExitCodes.failure) }
  }
}

/// How `check` prints what it found.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, github, plain
}

/// The JSON document `check --format json` prints.
struct CheckOutput: Encodable {
  var hosts: [String]
  var valid: Bool
  var diagnostics: [Diagnostic]
}
