/// Renders a review as text for people, host by host: the new warnings and errors (quoting
/// the offending lines of the head commit), then the plan as `reconcile plan` prints it.
public struct ReviewRenderer: Sendable {
  /// Whether to use ANSI colours.
  public var colour: Bool
  /// Reads a file of the head commit, to quote the line of a diagnostic.
  public var source: @Sendable (String) -> String?

  public init(colour: Bool = false, source: @escaping @Sendable (String) -> String? = { _ in nil }) {
    self.colour = colour
    self.source = source
  }

  /// The review as text.
  public func render(_ review: Review) -> String {
    var out = "Review of \(Review.short(review.base)) -> \(Review.short(review.head)):\n"
    let diagnostics = DiagnosticRenderer(colour: colour, source: source)
    let plans = PlanRenderer(colour: colour)
    for host in review.hosts {
      out +=
        "\n" + paint("== \(host.host): \(host.status.rawValue)", "1")
        + " (\(host.basisDescription))\n"
      for remark in host.remarks { out += "note: \(remark)\n" }
      if !host.newDiagnostics.isEmpty {
        out += "\nNew at head:\n" + diagnostics.render(host.newDiagnostics)
      }
      if let plan = host.plan {
        out += "\n" + plans.render(plan)
      }
    }
    out += "\n" + review.summary + "\n"
    return out
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
