import Foundation
import Hardening

/// The differences between the scorer's report and the oracle's output, one sentence each;
/// empty when they agree on the overall exposure and on every check's verdict, exposure and
/// description.
func differences(_ report: ExposureReport, _ oracle: SystemdAnalyzeOracle.Output) -> [String] {
  var problems: [String] = []
  guard let overall = overallExposure(in: oracle.text) else {
    return ["the oracle printed no overall exposure: \(oracle.text.suffix(400))"]
  }
  let ours = "\(report.exposureText) \(report.level.rawValue)"
  if overall != ours { problems.append("overall exposure: systemd \(overall), scorer \(ours)") }
  guard
    let rows = try? JSONSerialization.jsonObject(with: Data(oracle.json.utf8)) as? [[String: Any]]
  else { return problems + ["the oracle's JSON does not parse: \(oracle.json.prefix(200))"] }
  var byName: [String: ExposureReport.Verdict] = [:]
  for verdict in report.verdicts { byName[verdict.id] = verdict }
  for row in rows {
    let name = row["name"] as? String ?? "?"
    guard let verdict = byName.removeValue(forKey: name) else {
      problems.append("\(name): checked by systemd, unknown to the scorer")
      continue
    }
    let set = row["set"] as? Bool
    if set != verdict.passed {
      problems.append(
        "\(name): systemd set=\(set.map(String.init) ?? "null"), scorer "
          + (verdict.passed.map(String.init) ?? "null"))
    }
    let exposure = row["exposure"] as? String
    let ourExposure = verdict.exposure.map { "\($0 / 10).\($0 % 10)" }
    if exposure != ourExposure {
      problems.append(
        "\(name): systemd exposure \(exposure ?? "null"), scorer "
          + (ourExposure ?? "null"))
    }
    if let field = row["json_field"] as? String, field != verdict.jsonField {
      problems.append("\(name): systemd json_field \(field), scorer \(verdict.jsonField)")
    }
    let description = row["description"] as? String
    if description != verdict.description {
      problems.append(
        "\(name): systemd says \"\(description ?? "null")\", scorer "
          + "\"\(verdict.description ?? "null")\"")
    }
  }
  for name in byName.keys.sorted() { problems.append("\(name): not checked by systemd") }
  return problems
}

/// `9.6 UNSAFE` from the line `→ Overall exposure level for NAME: 9.6 UNSAFE 😨`.
func overallExposure(in text: String) -> String? {
  guard let line = text.split(separator: "\n").last(where: { $0.contains("Overall exposure") }),
    let colon = line.range(of: ": ", options: .backwards)
  else { return nil }
  return line[colon.upperBound...].split(separator: " ").prefix(2).joined(separator: " ")
}
