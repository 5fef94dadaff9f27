import Testing

@testable import Podman

/// Reading the start of each container user's first subordinate range from /etc/subuid.
@Suite struct PodmanSubordinateStartsTests {
  @Test func takesTheFirstRangeOfEachWantedUser() {
    let file = """
      root:10000:5
      matrix:100000:65536
      bitcoin:165536:65536
      matrix:300000:65536
      ghost:400000:65536

      """
    let starts = PodmanPlugin.subordinateStarts(
      Array(file.utf8), of: ["matrix", "bitcoin", "nobody"])
    #expect(starts == ["matrix": 100000, "bitcoin": 165536])
  }

  @Test func skipsLinesThatAreNotOwnerStartCount() {
    let file = """
      matrix:+5:65536
      matrix:100000
      matrix::65536
      matrix:99999999999:1
      # matrix:1:1
      matrix:200000:65536:extra
      matrix:300000:65536
      """
    #expect(PodmanPlugin.subordinateStarts(Array(file.utf8), of: ["matrix"]) == ["matrix": 300000])
  }

  @Test func readsOwnersOnTheirBytes() {
    // A name with a non-ASCII character matches itself, and a blank or CRLF file still parses.
    let file = "\n\nmätrix:100000:65536\r\nbob:200000:65536\r\n"
    #expect(
      PodmanPlugin.subordinateStarts(Array(file.utf8), of: ["mätrix", "bob"])
        == ["mätrix": 100000, "bob": 200000])
  }
}
