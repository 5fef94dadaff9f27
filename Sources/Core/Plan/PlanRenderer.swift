/// Renders plans and apply reports as text for people: `+` create, `~` update, `-` delete,
/// the cause in brackets, diffs indented below. Colour only when asked (a terminal without
/// `NO_COLOR`).
public struct PlanRenderer: Sendable {
  public var colour: Bool
  /// At most this many diff lines per change; the rest is counted.
  public var diffLimit: Int

  public init(colour: Bool = false, diffLimit: Int = 40) {
    self.colour = colour
    self.diffLimit = diffLimit
  }

  /// The plan as text.
  public func render(_ plan: Plan) -> String {
    var out = "Plan for host '\(plan.host)' from \(plan.source):\n"
    for limitation in plan.limitations { out += paint("note: \(limitation)\n", "2") }
    if plan.changes.isEmpty {
      out += notes(plan)
      out += "\nNo changes. The host matches the repository.\n"
      return out
    }
    out += "\n"
    let width = min(48, plan.changes.map { $0.address.description.count }.max() ?? 0)
    for change in plan.changes {
      out += line(for: change, width: width)
      out += diff(change.diff)
    }
    out += notes(plan)
    out += "\n" + summary(plan.changes) + "\n"
    return out
  }

  private func notes(_ plan: Plan) -> String {
    var out = ""
    for (plugin, lines) in plan.notes.sorted(by: { $0.key < $1.key }) {
      out += "\n\(plugin):\n"
      for line in lines { out += "  \(line)\n" }
    }
    return out
  }

  /// The outcome of an apply, change by change, then a summary.
  public func render(_ report: ApplyReport) -> String {
    var out = ""
    if let error = report.error { out += paint("error: ", "31;1") + error + "\n" }
    for outcome in report.outcomes {
      let mark: String
      switch outcome.status {
      case .applied: mark = paint("ok     ", "32")
      case .failed: mark = paint("FAILED ", "31;1")
      case .skipped: mark = paint("skipped", "33")
      case .reported: mark = paint("drift  ", "35")
      }
      out += "\(mark) \(symbol(outcome.action)) \(outcome.address)"
      if let message = outcome.message { out += ": \(message)" }
      out += "\n"
    }
    let applied = report.outcomes.filter { $0.status == .applied }.count
    out += "\n\(applied) applied, \(report.failed.count) failed, \(report.skipped.count) skipped"
    out += " in \(formatSeconds(report.duration)).\n"
    return out
  }

  private func line(for change: Change, width: Int) -> String {
    let address = change.address.description
    let pad = String(repeating: " ", count: max(0, width - address.count))
    let code: String
    switch change.action {
    case .create: code = "32"
    case .update: code = "33"
    case .delete: code = "31"
    }
    let symbol = change.reportOnly ? "!" : symbol(change.action)
    let cause = change.reportOnly ? "\(change.cause.rawValue), report only" : change.cause.rawValue
    return paint("\(symbol) \(address)", change.reportOnly ? "35" : code) + pad + "  \(change.summary) "
      + paint("[\(cause)]", "2") + "\n"
  }

  private func diff(_ lines: Change.Diff) -> String {
    var out = ""
    for line in lines.prefix(diffLimit) {
      let code = line.hasPrefix("+") ? "32" : line.hasPrefix("-") ? "31" : "2"
      out += "      " + paint(line, code) + "\n"
    }
    if lines.count > diffLimit { out += "      ... \(lines.count - diffLimit) more lines\n" }
    return out
  }

  private func summary(_ changes: [Change]) -> String {
    let reported = changes.filter(\.reportOnly).count
    let applied = changes.filter { !$0.reportOnly }
    let count = { (action: Change.Action) in applied.filter { $0.action == action }.count }
    var line =
      "\(applied.count) change\(applied.count == 1 ? "" : "s"): \(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete."
    if reported > 0 { line += " \(reported) drifted resource\(reported == 1 ? "" : "s") reported only." }
    return line
  }

  private func symbol(_ action: Change.Action) -> String {
    switch action {
    case .create: return "+"
    case .update: return "~"
    case .delete: return "-"
    }
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func formatSeconds(_ seconds: Double) -> String {
    seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\((seconds * 10).rounded() / 10) s"
  }
}
