import FoundationEssentials

/// Renders a review as Markdown to post as a pull-request comment (GitHub and Forgejo
/// flavours): the new errors and warnings first, a summary table with a row per host, then
/// each host's changes in a table, its notes, and its diffs folded in `<details>`.
///
/// A comment is limited in size (GitHub: 65,536 characters); past `sizeLimit` the diffs are
/// left out and the comment says so.
public struct ReviewMarkdown: Sendable {
  /// The plugin whose notes are exposure scores, shown in the summary table.
  public var exposurePlugin: String
  /// At most this many lines of one diff.
  public var diffLimit: Int
  /// The size above which diffs are left out.
  public var sizeLimit: Int

  /// A marker on the comment's first line, so a workflow can find and update its comment.
  public static let marker = "<!-- reconcile-review -->"

  public init(exposurePlugin: String = "hardening", diffLimit: Int = 200, sizeLimit: Int = 60_000) {
    self.exposurePlugin = exposurePlugin
    self.diffLimit = diffLimit
    self.sizeLimit = sizeLimit
  }

  /// The review as Markdown.
  public func render(_ review: Review) -> String {
    let full = render(review, diffs: true)
    return full.count <= sizeLimit ? full : render(review, diffs: false)
  }

  private func render(_ review: Review, diffs: Bool) -> String {
    var out = "\(Self.marker)\n## reconcile review\n\n"
    let (base, head) = (code(Review.short(review.base)), code(Review.short(review.head)))
    out += "Base \(base) → head \(head).\n\n"
    out += "**\(text(review.summary))**\n"
    guard !review.isEmpty || review.hosts.contains(where: { !$0.newDiagnostics.isEmpty }) else {
      return out
    }
    let diagnostics = review.newDiagnostics
    if !diagnostics.isEmpty {
      out += "\n### Errors and warnings\n\n"
      for (host, diagnostic) in diagnostics { out += item(diagnostic, host: host) }
    }
    out += "\n### Summary\n\n"
    out += "| Host | Status | Create | Update | Delete | Exposure |\n"
    out += "| --- | --- | ---: | ---: | ---: | --- |\n"
    for host in review.hosts {
      let exposure = (host.notes[exposurePlugin] ?? []).map(cell).joined(separator: "<br>")
      let status = host.status == .invalid ? "**refused** (invalid)" : host.status.rawValue
      out += "| \(code(host.host)) | \(status) | \(host.count(.create)) | \(host.count(.update)) | "
      out += "\(host.count(.delete)) | \(exposure.isEmpty ? "–" : exposure) |\n"
    }
    for host in review.hosts { out += section(host, diffs: diffs) }
    if !diffs {
      out +=
        "\n*Diffs left out: this comment would be too long. Run `reconcile review` to see them.*\n"
    }
    return out
  }

  private func item(_ diagnostic: Diagnostic, host: String) -> String {
    let label = diagnostic.severity == .error ? "**error**" : "**warning**"
    var line = "- \(label) (host \(code(host)))"
    if let position = diagnostic.position { line += " \(code(position.description))" }
    line += ": \(text(diagnostic.message))"
    for note in diagnostic.notes {
      line += "\n  - \(text(String(note.trimmingWhitespace())))"
    }
    return line + "\n"
  }

  private func section(_ host: HostReview, diffs: Bool) -> String {
    var out = "\n### \(code(host.host)): \(host.status.rawValue)\n"
    if host.basis != .none { out += "\n" + text(capitalized(host.basisDescription)) + ".\n" }
    for remark in host.remarks { out += "\n> \(text(remark)).\n" }
    if !host.changes.isEmpty {
      out += "\n|  | Resource | Change | Cause |\n| --- | --- | --- | --- |\n"
      for change in host.changes {
        let cause =
          change.reportOnly ? "\(change.cause.rawValue), report only" : change.cause.rawValue
        out += "| \(symbol(change)) | \(code(change.address.description)) | "
        out += "\(cell(change.summary)) | \(cause) |\n"
      }
    } else if host.plan != nil {
      out += "\nNo changes to apply.\n"
    }
    let notes = host.notes.sorted { $0.key < $1.key }
    if !notes.isEmpty {
      out += "\n"
      for (plugin, lines) in notes {
        for line in lines { out += "- \(plugin): \(text(line))\n" }
      }
    }
    let withDiffs = host.changes.filter { !$0.diff.isEmpty }
    if diffs && !withDiffs.isEmpty {
      out += "\n<details>\n<summary>Diffs of \(host.host) (\(withDiffs.count))</summary>\n"
      for change in withDiffs {
        var lines = Array(change.diff.prefix(diffLimit))
        if change.diff.count > diffLimit {
          lines.append("... \(change.diff.count - diffLimit) more lines")
        }
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: lines) + 1))
        out += "\n\(code(change.address.description))\n\n\(fence)diff\n"
        out += lines.joined(separator: "\n") + "\n\(fence)\n"
      }
      out += "\n</details>\n"
    }
    return out
  }

  private func symbol(_ change: Change) -> String {
    if change.reportOnly { return "!" }
    switch change.action {
    case .create: return "+"
    case .update: return "~"
    case .delete: return "−"
    }
  }

  private func capitalized(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
  }

  /// Inline code, with a fence longer than any run of backticks inside.
  private func code(_ value: String) -> String {
    let flat = value.replacing("\n", with: " ")
    let fence = String(repeating: "`", count: longestBacktickRun(in: [flat]) + 1)
    let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
    return fence + pad + flat + pad + fence
  }

  /// Plain text with Markdown and HTML syntax escaped, on one line.
  private func text(_ value: String) -> String {
    var out = ""
    for character in value {
      switch character {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "~": out += "\\\(character)"
      case "\n": out += " "
      default: out.append(character)
      }
    }
    return out
  }

  /// Text for a table cell.
  private func cell(_ value: String) -> String { text(value) }

  private func longestBacktickRun(in lines: [String]) -> Int {
    var longest = 0
    for line in lines {
      var run = 0
      for character in line {
        run = character == "`" ? run + 1 : 0
        longest = max(longest, run)
      }
    }
    return longest
  }
}
