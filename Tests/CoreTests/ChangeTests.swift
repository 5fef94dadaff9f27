import Core
import Foundation
import Testing

@Suite struct ChangeTests {
  struct Step: Codable, Equatable {
    var name: String
    var gid: UInt32
    var members: [String: String]
  }

  static let lines = [
    "+[Unit]", "", "+Description=caf\u{E9} \u{1F642}", "-a line with\nits own newline", " context", "@@",
  ]

  @Test func diffReadsBackItsLines() {
    let diff = Change.Diff(Self.lines)
    #expect(Array(diff) == Self.lines)
    #expect(diff.count == Self.lines.count)
    #expect(diff[3] == "-a line with\nits own newline")
    #expect(Array(Change.Diff([])).isEmpty)
    #expect(Array(Change.Diff([""])) == [""])
  }

  @Test func diffsAreEqualExactlyWhenTheirLinesAre() {
    #expect(Change.Diff(["ab", "c"]) == Change.Diff(["ab", "c"]))
    #expect(Change.Diff(["ab", "c"]) != Change.Diff(["a", "bc"]))
    #expect(Change.Diff(["a\nb"]) != Change.Diff(["a", "b"]))
    #expect(Change.Diff([""]) != Change.Diff([]))
  }

  @Test func payloadDecodesAsThePluginsType() throws {
    let step = Step(name: "u00001", gid: 4_294_967_294, members: ["b": "2", "a": "1"])
    let change = Change(
      address: "group:u00001", action: .create, cause: .new, plugin: "users", summary: "create", payload: step)
    #expect(try change.payload(as: Step.self) == step)
    #expect(change.payload.json == #"{"gid":4294967294,"members":{"a":"1","b":"2"},"name":"u00001"}"#)
  }

  /// In a plan's JSON the payload is a JSON value and the diff an array of lines; decoding the
  /// document gives the same changes back.
  @Test func aChangeInJSONShowsItsPayloadAndDiffAsValues() throws {
    let step = Step(name: "u", gid: 7, members: [:])
    let change = Change(
      address: "group:u", action: .create, cause: .new, plugin: "users", summary: "create",
      diff: Self.lines, payload: step)
    let bytes = try JSONEncoder().encode(change)
    let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
    #expect((object["payload"] as? [String: Any])?["name"] as? String == "u")
    #expect(object["diff"] as? [String] == Self.lines)
    let decoded = try JSONDecoder().decode(Change.self, from: bytes)
    #expect(decoded == change)
    #expect(try decoded.payload(as: Step.self) == step)
    let empty = Change(address: "a:b", action: .delete, cause: .prune, plugin: "p", summary: "")
    #expect(try JSONDecoder().decode(Change.self, from: try JSONEncoder().encode(empty)) == empty)
  }
}
