import Testing

@testable import Core

/// The SHA-256 rounds in the processor's instructions (`CSHA256`) against the Swift rounds,
/// state for state: every length of message up to a few blocks, and a large one.
@Suite struct SHA256InstructionsTests {
  /// The state after compressing `bytes` (whole blocks) each way.
  static func bothWays(_ bytes: [UInt8], from start: SHA256.State = SHA256.initial) -> (SHA256.State, SHA256.State) {
    var instructions = start
    var portable = start
    bytes.withUnsafeBytes {
      SHA256.compress(&instructions, blocks: $0)
      SHA256.compressPortably(&portable, blocks: $0)
    }
    return (instructions, portable)
  }

  static func same(_ a: SHA256.State, _ b: SHA256.State) -> Bool {
    a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3 && a.4 == b.4 && a.5 == b.5 && a.6 == b.6
      && a.7 == b.7
  }

  @Test(.enabled(if: SHA256.usesProcessorInstructions, "the processor has no SHA instructions"))
  func instructionsGiveThePortableRoundsState() {
    var generator = SystemRandomNumberGenerator()
    for blocks in [1, 2, 3, 7, 64, 1000] {
      for _ in 0..<5 {
        let bytes = (0..<blocks * 64).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let start: SHA256.State = (
          .random(in: 0...UInt32.max), .random(in: 0...UInt32.max), .random(in: 0...UInt32.max),
          .random(in: 0...UInt32.max), .random(in: 0...UInt32.max), .random(in: 0...UInt32.max),
          .random(in: 0...UInt32.max), .random(in: 0...UInt32.max)
        )
        let (fromInitial, reference) = Self.bothWays(bytes)
        #expect(Self.same(fromInitial, reference), "\(blocks) blocks")
        let (fromRandom, randomReference) = Self.bothWays(bytes, from: start)
        #expect(Self.same(fromRandom, randomReference), "\(blocks) blocks from a random state")
      }
    }
  }

  @Test func aPartialBlockIsLeftAlone() {
    // Fewer than 64 bytes: no block, the state unchanged either way.
    let (instructions, portable) = Self.bothWays(Array(repeating: 7, count: 63))
    #expect(Self.same(instructions, SHA256.initial) && Self.same(portable, SHA256.initial))
  }
}
