/// Chooses subordinate ID ranges for users, for one file (`/etc/subuid` or `/etc/subgid`).
///
/// - Stable: a user who already has a range keeps it; a range is never moved, because the
///   user's container storage is owned by those IDs.
/// - New ranges start at `floor` (100000) or later, end at or below `ceiling` (524288, where
///   systemd-nspawn's container range starts), and never overlap an existing line (declared
///   or hand-made), a real ID, systemd's reserved IDs, or another new range.
/// - An explicit range that overlaps anything is a problem naming both owners.
/// - Deterministic: the result depends on the inputs only, not on their order. Explicit
///   ranges are placed first, then counted requests first-fit in order of user name.
public struct SubordinateRangeAllocator: Sendable {
  /// What one user asks for.
  public struct Request: Sendable, Hashable, Codable {
    /// The user name.
    public var user: String
    /// An explicit first ID, or `nil` to let the allocator choose.
    public var start: UInt32?
    /// How many IDs.
    public var count: UInt32

    /// `count` IDs wherever there is room (65536 by convention).
    public init(user: String, count: UInt32 = 65536) {
      self.user = user
      self.start = nil
      self.count = count
    }

    /// Exactly `start..<start+count`.
    public init(user: String, start: UInt32, count: UInt32) {
      self.user = user
      self.start = start
      self.count = count
    }
  }

  /// The ranges a user ends up with.
  public struct Allocation: Sendable, Hashable, Codable {
    /// The user name.
    public var user: String
    /// The user's ranges.
    public var ranges: [SubordinateRange]
    /// Whether the ranges are new and must be written (`usermod --add-subuids`), or were
    /// already in the file.
    public var isNew: Bool
  }

  /// The lines already in the file, declared or hand-made.
  public var existing: [SubordinateRange]
  /// The real IDs of the host (UIDs from `/etc/passwd` for subuid, GIDs from `/etc/group` for
  /// subgid), by account name.
  public var realIDs: [String: UInt32]
  /// The file the ranges are for, for messages: `/etc/subuid`.
  public var file: String
  /// The lowest ID a range may use.
  public var floor: UInt32
  /// One past the highest ID a range may use.
  public var ceiling: UInt32

  /// IDs systemd reserves (systemd's UIDS-GIDS.md): a subordinate range must not cover them.
  /// The nspawn range is also kept out by `ceiling`.
  public static let systemdRanges: [(owner: String, start: UInt32, count: UInt32)] = [
    ("systemd-homed's range", 60001, 513),
    ("systemd's DynamicUser= range", 61184, 4336),
    ("nobody", 65534, 1),
    ("the invalid ID 65535", 65535, 1),
    ("systemd-nspawn's container range", 524288, 1_878_523_904),
    ("the invalid ID 4294967295", 4_294_967_295, 1),
  ]

  /// Creates an allocator over the lines of one file.
  public init(
    existing: [SubordinateRange], realIDs: [String: UInt32], file: String = "/etc/subuid",
    floor: UInt32 = 100_000, ceiling: UInt32 = 524_288
  ) {
    self.existing = existing
    self.realIDs = realIDs
    self.file = file
    self.floor = floor
    self.ceiling = ceiling
  }

  /// The ranges for every request, sorted by user; throws every problem at once.
  public func allocate(_ requests: [Request]) throws(SubordinateAllocationError) -> [Allocation] {
    var problems: [SubordinateAllocationError.Problem] = []
    var seen = Set<String>()
    var pending: [Request] = []
    pending.reserveCapacity(requests.count)
    for request in requests.sorted(by: { $0.user < $1.user }) {
      guard seen.insert(request.user).inserted else {
        problems.append(
          .init(
            user: request.user,
            message: "'\(request.user)' asks for "
              + "subordinate IDs in \(file) more than once"))
        continue
      }
      pending.append(request)
    }

    var allocations: [Allocation] = []
    allocations.reserveCapacity(pending.count)
    var counted: [Request] = []
    // What holds IDs, sorted by start: made only when a request needs a new range (a
    // converged host has none), and kept in order as new ranges are given.
    var occupants = Occupants()
    // One pass over the file's lines, not one per request: a converged host with thousands
    // of users asks for every user's lines.
    var linesByOwner: [String: [SubordinateRange]] = [:]
    for range in existing { linesByOwner[range.owner, default: []].append(range) }
    for request in pending {
      let have = linesByOwner[request.user] ?? []
      if !have.isEmpty {
        if let problem = keepProblem(request, have) {
          problems.append(.init(user: request.user, message: problem))
        } else {
          allocations.append(Allocation(user: request.user, ranges: have, isNew: false))
        }
      } else if let start = request.start {
        let range = SubordinateRange(owner: request.user, start: start, count: request.count)
        if let problem = explicitProblem(range, occupants.all(self)) {
          problems.append(.init(user: request.user, message: problem))
        } else {
          allocations.append(Allocation(user: request.user, ranges: [range], isNew: true))
          occupants.insert(
            Occupant(
              start: UInt64(start), end: range.end,
              owner: "\(request.user)'s declared range \(Self.span(start, range.end))"))
        }
      } else {
        counted.append(request)
      }
    }

    for request in counted {
      guard request.count > 0 else {
        problems.append(
          .init(
            user: request.user,
            message: "'\(request.user)' asks for 0 "
              + "subordinate IDs; the count must be at least 1"))
        continue
      }
      guard let start = firstFit(request.count, occupants.all(self)) else {
        problems.append(
          .init(
            user: request.user,
            message: "there is no free range of "
              + "\(request.count) IDs for '\(request.user)' in \(file) between \(floor) and "
              + "\(ceiling - 1)"))
        continue
      }
      let range = SubordinateRange(owner: request.user, start: start, count: request.count)
      allocations.append(Allocation(user: request.user, ranges: [range], isNew: true))
      occupants.insert(
        Occupant(
          start: UInt64(start), end: range.end,
          owner: "\(request.user)'s new range \(Self.span(start, range.end))"))
    }

    guard problems.isEmpty else { throw SubordinateAllocationError(problems: problems) }
    // Kept ranges and explicit ones were added in order of user; counted ones after them.
    if !counted.isEmpty { allocations.sort { $0.user < $1.user } }
    return allocations
  }

  /// Something that holds IDs, for overlap checks and messages.
  private struct Occupant {
    var start: UInt64
    var end: UInt64
    var owner: String
  }

  /// The occupants of the ID space, sorted by start and end, made on first use.
  private struct Occupants {
    private var sorted: [Occupant]?

    /// Every occupant: the file's lines, the real IDs, systemd's ranges and what was given.
    mutating func all(_ allocator: SubordinateRangeAllocator) -> [Occupant] {
      if let sorted { return sorted }
      let made = allocator.initialOccupants().sorted { ($0.start, $0.end) < ($1.start, $1.end) }
      sorted = made
      return made
    }

    /// Adds a range just given, in order; `all` was called before.
    mutating func insert(_ occupant: Occupant) {
      guard sorted != nil else { return }
      let index =
        sorted!.firstIndex { ($0.start, $0.end) > (occupant.start, occupant.end) }
        ?? sorted!.endIndex
      sorted!.insert(occupant, at: index)
    }
  }

  /// The file's lines, the real IDs and systemd's reserved ranges.
  private func initialOccupants() -> [Occupant] {
    var occupants = existing.map {
      Occupant(
        start: UInt64($0.start), end: $0.end,
        owner: "\($0.owner)'s range \(Self.span($0.start, $0.end)) in \(file)")
    }
    occupants += realIDs.map { name, id in
      Occupant(start: UInt64(id), end: UInt64(id) + 1, owner: "the real ID \(id) of '\(name)'")
    }
    occupants += Self.systemdRanges.map {
      Occupant(
        start: UInt64($0.start), end: UInt64($0.start) + UInt64($0.count),
        owner: "\($0.owner) \(Self.span($0.start, UInt64($0.start) + UInt64($0.count)))")
    }
    return occupants
  }

  /// Why the user's existing ranges do not satisfy `request`, or `nil` when they do.
  private func keepProblem(_ request: Request, _ have: [SubordinateRange]) -> String? {
    let described = have.map { Self.span($0.start, $0.end) }.joined(separator: ", ")
    if let start = request.start {
      if have.contains(where: { $0.start == start && $0.count == request.count }) { return nil }
      let wanted = Self.span(start, UInt64(start) + UInt64(request.count))
      return "'\(request.user)' already has \(described) in \(file), but \(wanted) is "
        + "declared; a subordinate range never moves (the user's container files are owned "
        + "by its IDs)"
    }
    let total = have.reduce(UInt64(0)) { $0 + UInt64($1.count) }
    if total >= UInt64(request.count) { return nil }
    return "'\(request.user)' already has \(total) subordinate IDs (\(described)) in \(file), "
      + "fewer than the \(request.count) declared; a subordinate range never moves or grows"
  }

  /// Why an explicit new range cannot be given, or `nil`.
  private func explicitProblem(_ range: SubordinateRange, _ occupants: [Occupant]) -> String? {
    let name = "the declared range \(Self.span(range.start, range.end)) of '\(range.owner)'"
    if range.count == 0 { return "\(name) is empty; the count must be at least 1" }
    if range.end > UInt64(UInt32.max) + 1 {
      return "\(name) runs past 4294967295, the largest ID"
    }
    if let other = occupants.first(where: {
      UInt64(range.start) < $0.end && $0.start < range.end
    }) {
      return "\(name) overlaps \(other.owner)"
    }
    if range.start < floor || range.end > UInt64(ceiling) {
      return "\(name) is outside \(floor)-\(ceiling - 1), where subordinate IDs live"
    }
    return nil
  }

  /// The lowest start at or above `floor` where `count` IDs fit below `ceiling`, among
  /// `occupants` sorted by start.
  private func firstFit(_ count: UInt32, _ occupants: [Occupant]) -> UInt32? {
    var candidate = UInt64(floor)
    for occupant in occupants {
      if occupant.end <= candidate { continue }
      if candidate + UInt64(count) <= occupant.start { break }
      candidate = occupant.end
    }
    guard candidate + UInt64(count) <= UInt64(ceiling) else { return nil }
    return UInt32(candidate)
  }

  /// `100000-165535` for the half-open `start..<end`.
  static func span(_ start: UInt32, _ end: UInt64) -> String {
    end > UInt64(start) ? "\(start)-\(end - 1)" : "\(start) (empty)"
  }
}

/// Subordinate ranges that could not be given, all at once.
public struct SubordinateAllocationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One user's problem.
  public struct Problem: Sendable, Hashable {
    /// The user whose request failed.
    public var user: String
    /// One sentence saying what is wrong.
    public var message: String
  }

  /// Every problem, in order of user name.
  public var problems: [Problem]

  public var description: String { problems.map(\.message).joined(separator: "\n") }
}
