import FoundationEssentials

extension Review {
  /// The review as pretty JSON with sorted keys: a stable document for tools.
  ///
  ///     { "version": 1, "base": "...", "head": "...", "summary": "...",
  ///       "hosts": [ { "host", "status", "against", "changes": [ { "address", "action",
  ///       "cause", "summary", "diff" } ], "notes": { plugin: [...] },
  ///       "newDiagnostics": [ { "severity", "file", "line", "column", "message" } ],
  ///       "remarks": [...] } ] }
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let document = Document(
      base: base, head: head, summary: summary,
      hosts: hosts.map { host in
        Document.Host(
          host: host.host, status: host.status, against: host.basis,
          changes: host.changes.map {
            Document.Change(
              address: $0.address.description, action: $0.action, cause: $0.cause,
              summary: $0.summary,
              diff: Array($0.diff), reportOnly: $0.reportOnly ? true : nil)
          },
          notes: host.notes,
          newDiagnostics: host.newDiagnostics.map {
            Document.Diagnostic(
              severity: $0.severity, file: $0.position?.file,
              line: $0.position.flatMap { $0.line > 0 ? $0.line : nil },
              column: $0.position.flatMap { $0.column > 0 ? $0.column : nil }, message: $0.message)
          },
          remarks: host.remarks)
      })
    return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self)
  }

  /// The shape of the JSON document.
  struct Document: Encodable {
    var version = 1
    var base: String
    var head: String
    var summary: String
    var hosts: [Host]

    struct Host: Encodable {
      var host: String
      var status: HostReview.Status
      var against: HostReview.Basis
      var changes: [Change]
      var notes: [String: [String]]
      var newDiagnostics: [Diagnostic]
      var remarks: [String]
    }

    struct Change: Encodable {
      var address: String
      var action: Core.Change.Action
      var cause: Core.Change.Cause
      var summary: String
      var diff: [String]
      /// Present (true) only for drift the drift policy reports without reverting.
      var reportOnly: Bool?
    }

    struct Diagnostic: Encodable {
      var severity: Core.Diagnostic.Severity
      var file: String?
      var line: Int?
      var column: Int?
      var message: String
    }
  }
}
