import Core

/// Subordinate UID and GID ranges (`/etc/subuid`, `/etc/subgid`) for the users that ask for
/// them (`subids:` on a user, or a plugin's `AccountRequirement`). Ranges are allocated stably
/// by `SubordinateRangeAllocator` and written with `usermod --add-subuids/--add-subgids`, under
/// shadow-utils' lock; a range once given is never moved or removed by reconcile.
public struct SubidsPlugin: Plugin {
  public init() {}

  public var name: String { "subids" }
  /// Reads no section of its own: requests come from the users plugin and others.
  public var sections: [String] { [] }
}

/// The subordinate ranges wanted, one request per user.
public struct DesiredSubids: Sendable {
  /// One user's request and where it was made.
  public struct Request: Sendable {
    public var request: SubordinateRangeAllocator.Request
    public var origin: String
    public var position: SourcePosition?

    /// `subids:NAME`.
    public var address: Address { Address("subids", request.user) }
  }

  /// Requests sorted by user.
  public var requests: [Request] = []
}

/// What the subids plugin read on the host.
public struct ObservedSubids: Sendable, Codable {
  /// The lines of `/etc/subuid` and `/etc/subgid`.
  public var subuid: [SubordinateRange]
  public var subgid: [SubordinateRange]
  /// Malformed and overlapping lines.
  public var problems: [Diagnostic]
  /// Real UIDs and GIDs, by name, which ranges must not cover.
  public var uids: [String: UInt32]
  public var gids: [String: UInt32]
}

/// How a subids change is applied.
struct SubidsPayload: Codable, Sendable {
  /// The user the ranges are for.
  var user: String
  /// New ranges to add (`usermod --add-subuids/--add-subgids`); nil when the file has it.
  var uids: SubordinateRange?
  var gids: SubordinateRange?
  /// What to record in the ledger afterwards.
  var record: Ledger.Entry
}
