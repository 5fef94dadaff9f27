import SystemCalls

/// One line of `/etc/subuid` or `/etc/subgid` (subuid(5)), `OWNER:START:COUNT`, read on its
/// bytes: what a line must be for newuidmap to use it, in one place for the plugins that read
/// these files (the subids plugin, which reports every line that is not; podman, which looks
/// up the ranges of a few users among thousands of lines).
public enum SubordinateIDLine {
  /// Why a line is not a range.
  public enum Problem: Error, Equatable {
    /// Not three colon-separated fields (how many it has).
    case fieldCount(Int)
    case emptyOwner
    /// The start is not a decimal number from 0 to 4294967295.
    case badStart
    /// The count is not a decimal number from 1 to 4294967295.
    case badCount
    /// The range's end lies past 4294967295.
    case pastEnd(start: UInt32, count: UInt32)

    /// The field it is found in (0 owner, 1 start, 2 count), for its column.
    public var field: Int {
      switch self {
      case .fieldCount, .emptyOwner: 0
      case .badStart: 1
      case .badCount, .pastEnd: 2
      }
    }
  }

  /// A line that is a range: where its owner lies in the line, its start and count.
  public struct Fields: Equatable, Sendable {
    public var owner: Range<Int>
    public var start: UInt32
    public var count: UInt32
  }

  /// The fields of `line` (without its newline), read on its bytes in place.
  public static func read(_ line: UnsafeBufferPointer<UInt8>) -> Result<Fields, Problem> {
    let colon = UInt8(ascii: ":")
    guard let first = line.firstIndex(of: colon),
      let second = line[(first + 1)...].firstIndex(of: colon),
      !line[(second + 1)...].contains(colon)
    else {
      return .failure(.fieldCount(line.count { $0 == colon } + 1))
    }
    guard first > 0 else { return .failure(.emptyOwner) }
    guard let start = decimal(UnsafeBufferPointer(rebasing: line[(first + 1)..<second])) else {
      return .failure(.badStart)
    }
    guard let count = decimal(UnsafeBufferPointer(rebasing: line[(second + 1)...])), count > 0 else {
      return .failure(.badCount)
    }
    guard UInt64(start) + UInt64(count) <= UInt64(UInt32.max) + 1 else {
      return .failure(.pastEnd(start: start, count: count))
    }
    return .success(Fields(owner: 0..<first, start: start, count: count))
  }

  /// The value of decimal digits (at least one, nothing else) that fits in 32 bits.
  public static func decimal(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
    guard !digits.isEmpty else { return nil }
    var value: UInt32 = 0
    for byte in digits {
      let digit = byte &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times10.addingReportingOverflow(UInt32(digit))
      guard !overflow, !carry else { return nil }
      value = sum
    }
    return value
  }

  /// The start of the first range of each of `owners` in a subuid/subgid file's bytes;
  /// lines that are not ranges are passed over (the subids plugin reports them).
  public static func firstStarts(in file: [UInt8], of owners: Set<String>) -> [String: UInt32] {
    var result: [String: UInt32] = [:]
    file.withUnsafeBufferPointer { file in
      var lineStart = 0
      while lineStart < file.count {
        let lineEnd =
          ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: UnsafeBufferPointer(rebasing: file[lineStart...]))
          .map { lineStart + $0 } ?? file.count
        let line = UnsafeBufferPointer(rebasing: file[lineStart..<lineEnd])
        lineStart = lineEnd + 1
        guard case .success(let fields) = read(line) else { continue }
        let owner = String(decoding: UnsafeBufferPointer(rebasing: line[fields.owner]), as: UTF8.self)
        if owners.contains(owner), result[owner] == nil { result[owner] = fields.start }
      }
    }
    return result
  }
}
