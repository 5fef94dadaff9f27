/// A range of subordinate IDs given to one owner: one line `OWNER:START:COUNT` of
/// `/etc/subuid` or `/etc/subgid` (subuid(5)).
public struct SubordinateRange: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The user name (or, as subuid(5) allows, a numeric UID) the range belongs to.
  public var owner: String
  /// The first ID.
  public var start: UInt32
  /// How many IDs; at least 1.
  public var count: UInt32

  /// Creates a range.
  public init(owner: String, start: UInt32, count: UInt32) {
    self.owner = owner
    self.start = start
    self.count = count
  }

  /// One past the last ID; may be 2^32, hence 64 bits.
  public var end: UInt64 { UInt64(start) + UInt64(count) }

  /// The IDs, for `usermod --add-subuids FIRST-LAST`; `nil` when the range is empty or runs
  /// past 4294967295.
  public var ids: ClosedRange<UInt32>? {
    guard count > 0, end <= UInt64(UInt32.max) + 1 else { return nil }
    return start...UInt32(end - 1)
  }

  /// Whether the two ranges share at least one ID.
  public func overlaps(_ other: SubordinateRange) -> Bool {
    UInt64(start) < other.end && UInt64(other.start) < end
  }

  /// The line as subuid(5) writes it, without the newline.
  public var line: String { "\(owner):\(start):\(count)" }

  /// `owner 100000-165535`.
  public var description: String {
    count == 0 ? "\(owner) (empty range at \(start))" : "\(owner) \(start)-\(end - 1)"
  }

  public static func < (a: SubordinateRange, b: SubordinateRange) -> Bool {
    (a.start, a.count, a.owner) < (b.start, b.count, b.owner)
  }
}
