import FoundationEssentials

/// Everything the plugins saw on a host, with the ledger and host facts: what planning
/// needs, and nothing secret (no password hashes, no mail credentials). `reconcile snapshot`
/// writes it as JSON; `reconcile review --snapshot` plans a commit against it.
public struct HostObservation: Sendable, Codable {
  /// The format of the document.
  public var version = 1
  public var facts: HostFacts
  public var ledger: Ledger
  /// Each plugin's observation, by plugin name.
  public var observed: [String: JSONValue]

  public init(facts: HostFacts, ledger: Ledger, observed: [String: JSONValue]) {
    self.facts = facts
    self.ledger = ledger
    self.observed = observed
  }

  /// Pretty, stable JSON.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
