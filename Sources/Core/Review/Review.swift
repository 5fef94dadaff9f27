/// What a change to the state repository (a pull request: base commit -> head commit) will do
/// to each host it touches. Made by `Reviewer`; a plain value, rendered as text
/// (`ReviewRenderer`), Markdown (`ReviewMarkdown`) or JSON (`json()`).
public struct Review: Sendable {
  /// The line every format prints when no host is affected.
  public static let nothingToDo = "No changes to any host."

  /// The base commit (or folder) the change starts from.
  public var base: String
  /// The head commit (or folder) it proposes.
  public var head: String
  /// The hosts reviewed, by name: every affected host, and the named ones.
  public var hosts: [HostReview]

  public init(base: String, head: String, hosts: [HostReview]) {
    self.base = base
    self.head = head
    self.hosts = hosts
  }

  /// Whether the change does nothing to any host.
  public var isEmpty: Bool { hosts.allSatisfy { $0.status == .unchanged } }

  /// One sentence: `No changes to any host.`, or the affected hosts and their status.
  public var summary: String {
    let affected = hosts.filter { $0.status != .unchanged }
    guard !affected.isEmpty else { return Self.nothingToDo }
    let list = affected.map { "\($0.host) (\($0.status.rawValue))" }.joined(separator: ", ")
    let refused = affected.filter { $0.status == .invalid }.count
    let refusal =
      refused == 0 ? "" : "; reconcile would refuse the head commit on \(refused) of them"
    return "\(affected.count) host\(affected.count == 1 ? "" : "s") affected: \(list)\(refusal)."
  }

  /// A commit id cut to 12 digits for people; anything else as it is.
  public static func short(_ name: String) -> String {
    name.utf8.count == 40 && name.allSatisfy(\.isHexDigit) ? String(name.prefix(12)) : name
  }

  /// Every new diagnostic with its host, errors first.
  public var newDiagnostics: [(host: String, diagnostic: Diagnostic)] {
    let all = hosts.flatMap { host in host.newDiagnostics.map { (host: host.host, diagnostic: $0) }
    }
    return all.filter { $0.diagnostic.severity == .error }
      + all.filter { $0.diagnostic.severity == .warning }
  }
}

/// The review of one host.
public struct HostReview: Sendable {
  /// What the change does to the host as a whole.
  public enum Status: String, Sendable, Codable {
    /// The head commit changes nothing on the host.
    case unchanged
    /// The head commit changes the host (or brings new warnings).
    case changed
    /// The host is new at head.
    case added
    /// The host is gone at head.
    case removed
    /// The head commit has errors for this host: reconcile would refuse to apply it.
    case invalid
  }

  /// What the head commit was planned against.
  public enum Basis: String, Sendable, Codable {
    /// A fresh Debian 12 root with the base commit applied to it.
    case base
    /// A snapshot of the host (`reconcile snapshot`): drift shows beside the change.
    case snapshot
    /// A fresh Debian 12 root: the host is new, or the base commit was invalid for it.
    case fresh
    /// Nothing: the host is gone or invalid at head.
    case none
  }

  public var host: String
  public var status: Status
  public var basis: Basis
  /// The head commit's plan for the host; nil when it could not be planned.
  public var plan: Plan?
  /// Warnings and errors at head that the base commit did not have.
  public var newDiagnostics: [Diagnostic]
  /// What the review itself has to say about the host (why it was planned as it was).
  public var remarks: [String]

  public init(
    host: String, status: Status, basis: Basis, plan: Plan? = nil,
    newDiagnostics: [Diagnostic] = [],
    remarks: [String] = []
  ) {
    self.host = host
    self.status = status
    self.basis = basis
    self.plan = plan
    self.newDiagnostics = newDiagnostics
    self.remarks = remarks
  }

  /// The changes the head commit makes, in application order.
  public var changes: [Change] { plan?.changes ?? [] }

  /// The plugins' notes (e.g. exposure before and after), by plugin.
  public var notes: [String: [String]] { plan?.notes ?? [:] }

  /// How many changes do `action` (report-only drift left out).
  public func count(_ action: Change.Action) -> Int {
    changes.filter { $0.action == action && !$0.reportOnly }.count
  }

  /// A few words on what the plan was made against.
  public var basisDescription: String {
    switch basis {
    case .base: return "planned against the base commit applied to a fresh Debian 12 host"
    case .snapshot: return "planned against a snapshot of the host: drift shows beside the change"
    case .fresh: return "planned against a fresh Debian 12 host"
    case .none: return "not planned"
    }
  }
}
