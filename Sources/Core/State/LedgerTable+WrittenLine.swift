extension LedgerTable.Builder {
  /// Adds the entry of one entry line of a ledger file (without its newline and trailing
  /// comma) when the line is exactly as `Ledger.writeFile` writes it: its fields in that order,
  /// no white space, every string printable ASCII without escapes, facts sorted by key. The
  /// texts go from the line's bytes into the table's buffer; no `String` is made.
  ///
  /// False, with nothing added, for any other line: the caller reads that one with
  /// `JSONScanner` (escapes, non-ASCII, a file edited by hand). What this accepts, the scanner
  /// reads to the same entry (`LedgerFileReaderTests`).
  mutating func appendWritten(_ line: ArraySlice<UInt8>) -> Bool {
    let bytesBefore = bytes.count
    let added = line.withUnsafeBufferPointer { line in
      var reader = WrittenLineReader(line: line)
      return reader.read(into: &self)
    }
    if !added { bytes.removeSubrange(bytesBefore...) }
    return added
  }
}

/// Reads one line of `Ledger.writeFile`'s layout into a table builder.
private struct WrittenLineReader {
  let line: UnsafeBufferPointer<UInt8>
  var offset = 0

  /// Reads the whole line and appends its record; false when the line is not in the layout
  /// (the caller removes any bytes added).
  mutating func read(into builder: inout LedgerTable.Builder) -> Bool {
    guard skip(#"{"address":"#), let address = string(),
      skip(#","plugin":"#), let plugin = string(),
      skip(#","applied":"#), let applied = string()
    else { return false }
    var declared = applied
    if skip(#","declared":"#) {
      guard let text = string() else { return false }
      declared = text
    }
    let created: Bool
    if skip(#","created":true"#) {
      created = true
    } else if skip(#","created":false"#) {
      created = false
    } else {
      return false
    }
    let factsStart = builder.bytes.count
    if skip(#","facts":{"#), !facts(into: &builder.bytes) { return false }
    let facts = LedgerTable.Span(offset: UInt32(factsStart), count: UInt32(builder.bytes.count - factsStart))
    let interrupted: UInt8 = skip(#","interrupted":true"#) ? 2 : 0
    guard skip("}"), offset == line.count else { return false }

    builder.append(
      address: slice(address), applied: slice(applied), declared: slice(declared), facts: facts,
      plugin: builder.number(ofPlugin: slice(plugin)), created: created, interrupted: interrupted)
    return true
  }

  /// The facts after `{`, through `}`, appended as `Ledger.Facts` encodes them; false unless
  /// every key and value is a plain string and the keys rise.
  private mutating func facts(into bytes: inout [UInt8]) -> Bool {
    if skip("}") { return true }
    var previousKey: Range<Int>?
    repeat {
      guard let key = string(), skip(":"), let value = string() else { return false }
      if let previousKey, !slice(previousKey).lexicographicallyPrecedes(slice(key)) { return false }
      previousKey = key
      Ledger.Facts.append(slice(key), to: &bytes)
      Ledger.Facts.append(slice(value), to: &bytes)
    } while skip(",")
    return skip("}")
  }

  /// Skips `text` when the line continues with it.
  private mutating func skip(_ text: StaticString) -> Bool {
    let count = text.utf8CodeUnitCount
    guard line.count - offset >= count else { return false }
    let expected = text.utf8Start
    for index in 0..<count where line[offset + index] != expected[index] { return false }
    offset += count
    return true
  }

  /// The bytes between the quotes of a string of printable ASCII without escapes; nil (the
  /// line is not in the layout) for any other string.
  private mutating func string() -> Range<Int>? {
    guard offset < line.count, line[offset] == UInt8(ascii: "\"") else { return nil }
    let start = offset + 1
    var end = start
    while end < line.count {
      let byte = line[end]
      if byte == UInt8(ascii: "\"") {
        offset = end + 1
        return start..<end
      }
      guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
      end += 1
    }
    return nil
  }

  private func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: line[range])
  }
}
