import Foundation
import TestSupport
import Testing

/// `reconcile exec`: a terminal of the command's own when there is one, none otherwise, and
/// the command's exit status. Runs as root (setpriv to `nobody`), offline.
@Suite(.enabled(if: NSUserName() == "root", "reconcile exec drops root's privileges"))
struct ExecCommandTests {
  let scratch: ScratchDirectory

  init() throws { scratch = try ScratchDirectory("exec") }

  /// Runs `lines` as a shell script under `script` (util-linux), which gives it a terminal.
  func onTerminal(_ lines: [String]) throws -> CommandResult {
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: scratch.join("session.sh"), atomically: false, encoding: .utf8)
    return try TestCommand.run(
      ["script", "--quiet", "--return", "--command", "sh " + scratch.join("session.sh"), "/dev/null"],
      environment: ["RECONCILE": TestCommand.reconcile])
  }

  @Test func aTerminalGetsANewPseudoTerminal() throws {
    let result = try onTerminal(["tty", "\"$RECONCILE\" exec nobody -- tty", "echo \"status $?\""])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let terminals = result.stdout.split(whereSeparator: \.isNewline).compactMap { line in
      line.range(of: "/dev/pts/").map { String(line[$0.lowerBound...]) }
    }
    #expect(terminals.count == 2, "\(result.stdout)")
    #expect(terminals.first != terminals.last, "the command got root's terminal: \(result.stdout)")
    #expect(result.stdout.contains("status 0"), "\(result.stdout)")
  }

  @Test func aTerminalSessionPassesTheExitStatusAndRestoresTheMode() throws {
    let result = try onTerminal([
      "before=$(stty -g)", "\"$RECONCILE\" exec nobody -- sh -c 'test -t 0 && exit 7'",
      "echo \"status $?\"", "test \"$(stty -g)\" = \"$before\" && echo restored",
    ])
    #expect(result.stdout.contains("status 7"), "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("restored"), "\(result.stdout)")
  }

  @Test func theNewTerminalBelongsToTheUser() throws {
    let result = try onTerminal(["\"$RECONCILE\" exec nobody -- sh -c 'stat -c owner=%U \"$(tty)\"'"])
    #expect(result.stdout.contains("owner=nobody"), "\(result.stdout)\(result.stderr)")
  }

  @Test func aSignalToReconcileReachesTheCommandAndTheModeIsRestored() throws {
    let result = try onTerminal([
      "before=$(stty -g)",
      "( sleep 1; pkill -TERM -f 'exec nobody -- sleep 31' ) &",
      "\"$RECONCILE\" exec nobody -- sleep 31",
      "echo \"status $?\"", "test \"$(stty -g)\" = \"$before\" && echo restored",
    ])
    #expect(result.stdout.contains("status 143"), "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("restored"), "\(result.stdout)")
  }

  @Test func aCommandThatNeverReadsItsInputStillHasItsOutputRelayed() throws {
    // Typed-ahead input the command never reads fills its terminal's input queue; the relay
    // used to block writing it there, and so stopped relaying the output, for good. The
    // input comes from a file: `script` reads it all while the session runs. The timeout is
    // in the foreground: a background process that sets the terminal's mode is stopped.
    try String(repeating: "y\n", count: 1_500_000).write(
      toFile: scratch.join("typed-ahead"), atomically: false, encoding: .utf8)
    try """
    timeout --foreground -k 5 60 "$RECONCILE" exec nobody -- sh -c 'sleep 1; head -c 300000 /dev/zero | tr "\\0" x; echo written'
    echo "status $?"

    """.write(toFile: scratch.join("session.sh"), atomically: false, encoding: .utf8)
    let result = try TestCommand.run(
      [
        "sh", "-c",
        "script --quiet --return --command 'sh \(scratch.join("session.sh"))' /dev/null < \(scratch.join("typed-ahead"))",
      ],
      environment: ["RECONCILE": TestCommand.reconcile])
    #expect(result.stdout.contains("written"), "\(result.stdout.suffix(300))\(result.stderr)")
    #expect(result.stdout.contains("status 0"), "\(result.stdout.suffix(300))")
    #expect(result.stdout.filter { $0 == "x" }.count == 300_000)
  }

  @Test func withoutATerminalThereIsNone() throws {
    let none = try TestCommand.reconcile(["exec", "nobody", "--", "sh", "-c", "test -t 0"])
    #expect(none.status == 1, "\(none.stderr)")
    let tty = try TestCommand.reconcile(["exec", "nobody", "--", "tty"])
    #expect(tty.stdout.contains("not a tty"), "\(tty.stdout)")
    let status = try TestCommand.reconcile(["exec", "nobody", "--", "sh", "-c", "exit 5"])
    #expect(status.status == 5)
  }

  @Test func runsAsTheUser() throws {
    let result = try onTerminal(["\"$RECONCILE\" exec nobody -- id -un"])
    #expect(result.stdout.contains("nobody"), "\(result.stdout)\(result.stderr)")
  }
}
