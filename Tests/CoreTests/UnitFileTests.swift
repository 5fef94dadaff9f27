import Core
import Testing

@Suite struct UnitFileTests {
  @Test func parsesSectionsCommentsAndContinuations() throws {
    let text = """
      # comment
      [Unit]
      Description=A test \\
        that continues
      ; another comment
      [Service]
      ExecStart=/bin/true
      Environment=A=1
      Environment=
      Environment=B=2
      """
    let unit = try UnitFile.parse(text, file: "x.service").get()
    #expect(unit.value("Unit", "Description") == "A test  that continues")
    #expect(unit.value("Service", "ExecStart") == "/bin/true")
    #expect(unit.values("Service", "Environment") == ["B=2"])
    #expect(unit.lastAssignment("Service", "ExecStart")?.line == 7)
  }

  @Test(arguments: [
    ("ExecStart=/bin/true\n", 1, "outside of any"),
    ("[Service]\nthis is not an assignment\n", 2, "expected Key=Value"),
    ("[Service\nA=b\n", 1, "invalid section header"),
    ("[Unit]\n=value\n", 2, "invalid key"),
  ])
  func reportsTheLineOfASyntaxError(text: String, line: Int, message: String) {
    guard case .failure(let error) = UnitFile.parse(text) else {
      Issue.record("parsed invalid text")
      return
    }
    #expect(error.line == line)
    #expect(error.message.contains(message))
  }

  @Test("parsed, rebuilt from its assignments, and merged: each reads and compares alike")
  func layoutsReadAlike() throws {
    let base = try UnitFile.parse(
      "[Unit]\nDescription=Base\n[Service]\nExecStart=/bin/true\nUser=a\n", file: "a.service"
    ).get()
    let dropIn = try UnitFile.parse(
      "[Service]\nUser=b\n[Install]\nWantedBy=multi-user.target\n", file: "a.service.d/x.conf"
    ).get()
    let merged = UnitFile.merged(base, dropIns: [dropIn])
    let expected = [
      ("Unit", "Description", "Base", 2, "a.service"),
      ("Service", "ExecStart", "/bin/true", 4, "a.service"),
      ("Service", "User", "a", 5, "a.service"),
      ("Service", "User", "b", 2, "a.service.d/x.conf"),
      ("Install", "WantedBy", "multi-user.target", 4, "a.service.d/x.conf"),
    ]
    #expect(merged.assignments.count == expected.count)
    for (assignment, want) in zip(merged.assignments, expected) {
      #expect(assignment.section == want.0 && assignment.key == want.1 && assignment.value == want.2)
      #expect(assignment.line == want.3 && assignment.file == want.4)
    }
    #expect(merged.lastAssignment("Service", "User")?.file == "a.service.d/x.conf")
    #expect(merged.value("Install", "WantedBy") == "multi-user.target")
    #expect(merged.value("Service", "WantedBy") == nil)
    #expect(merged.hasSection("Install") && !base.hasSection("Install"))

    // The assignments of some keys, in any section, in file order, as `assignments` has them.
    #expect(
      merged.assignments(ofKeys: ["WantedBy", "User"]).map { "\($0.section).\($0.key)=\($0.value)" }
        == ["Service.User=a", "Service.User=b", "Install.WantedBy=multi-user.target"])
    #expect(merged.assignments(ofKeys: ["User"]).map(\.file) == ["a.service", "a.service.d/x.conf"])
    #expect(merged.assignments(ofKeys: ["Use", "Users", ""]).isEmpty)
    #expect(
      merged.assignments(ofKeys: ["Description"])
        == merged.assignments.filter { $0.key == "Description" })

    // The same assignments laid out another way are equal, with equal hashes.
    let rebuilt = UnitFile(assignments: Array(merged.assignments))
    #expect(rebuilt == merged)
    #expect(rebuilt.hashValue == merged.hashValue)
    #expect(rebuilt != base)
    #expect(UnitFile.merged(base, dropIns: []) == base)

    // Sections taken out, the rest kept in order.
    let kept = merged.removing(sections: ["Service"])
    #expect(kept.assignments.map(\.key) == ["Description", "WantedBy"])
    #expect(kept.assignments.map(\.file) == ["a.service", "a.service.d/x.conf"])
    #expect(kept == UnitFile(assignments: merged.assignments.filter { $0.section != "Service" }))
    #expect(merged.removing(sections: ["Unit", "Service", "Install"]) == UnitFile())
    #expect(merged.removing(sections: ["Unit", "Service", "Install"]).assignments.isEmpty)
  }

  @Test func mergedDropInsOverrideAndReset() throws {
    let base = try UnitFile.parse("[Service]\nUser=a\nReadWritePaths=/x\n").get()
    let dropIn = try UnitFile.parse("[Service]\nUser=b\nReadWritePaths=\nReadWritePaths=/y /z\n").get()
    let merged = UnitFile.merged(base, dropIns: [dropIn])
    #expect(merged.value("Service", "User") == "b")
    #expect(merged.words("Service", "ReadWritePaths") == ["/y", "/z"])
  }

  @Test func wordsAreCutAtSpacesAndTabs() throws {
    let unit = try UnitFile.parse(
      "[Install]\nWantedBy=z.target\nWantedBy=\nWantedBy=  a.target\tb.target  \nWantedBy=é.target\t\t c.target\n"
        + "Also=x.service\n"
    ).get()
    #expect(unit.words("Install", "WantedBy") == ["a.target", "b.target", "é.target", "c.target"])
    #expect(unit.words("Install", "Also") == ["x.service"])
    #expect(unit.words("Install", "RequiredBy").isEmpty)
  }
}

@Suite struct UnitNameTests {
  @Test(arguments: [
    "report.timer", "status-email@.service", "status-email@bitcoind.service", "a-b_c:d.path", "x\\x2dy.mount",
  ])
  func acceptsValidNames(name: String) {
    #expect(UnitName(name) != nil)
  }

  @Test(arguments: [
    "", "report", "report.exe", "../etc/shadow.service", "a/b.service", "a@b@c.service", "@.service", ".hidden.service",
    "é.service", String(repeating: "a", count: 250) + ".service", "a b.service", "a\n.service",
  ])
  func refusesInvalidNames(name: String) {
    #expect(UnitName(name) == nil)
    #expect(UnitName.problem(with: name) != nil)
  }

  @Test func knowsTemplatesInstancesAndTriggers() throws {
    let instance = try #require(UnitName("status-email@bitcoind.service"))
    #expect(instance.isInstance)
    #expect(instance.template?.rawValue == "status-email@.service")
    #expect(instance.instance == "bitcoind")
    #expect(UnitName("status-email@.service")?.isTemplate == true)
    #expect(UnitName("status-email@.service")?.isInstance == false)
    #expect(UnitName("status-email@.service")?.template == nil)
    #expect(instance.isTemplate == false)
    #expect(UnitName("a.b@c.service")?.isInstance == true)
    #expect(UnitName("a.b@c.service")?.template?.rawValue == "a.b@.service")
    #expect(UnitName("report.timer")?.isInstance == false)
    #expect(UnitName("report.timer")?.isTemplate == false)
    #expect(UnitName("report.timer")?.template == nil)
    #expect(UnitName("report.timer")?.defaultTriggered?.rawValue == "report.service")
    #expect(UnitName("report.service")?.isTrigger == false)
  }

  // The parts of a name: suffix, stem, template and instance, and what a trigger starts.
  @Test(
    arguments: [
      ("report.timer", "timer", "report", nil, nil, "report.service"),
      ("status-email@.service", "service", "status-email@", nil, nil, nil),
      ("status-email@bitcoind.service", "service", "status-email@bitcoind", "status-email@.service", "bitcoind", nil),
      ("backup@daily.v2.timer", "timer", "backup@daily.v2", "backup@.timer", "daily.v2", "backup@daily.v2.service"),
      ("srv-data.automount", "automount", "srv-data", nil, nil, "srv-data.mount"),
      ("x\\x2dy.path", "path", "x\\x2dy", nil, nil, "x\\x2dy.service"),
      ("a.b.socket", "socket", "a.b", nil, nil, "a.b.service"),
    ] as [(String, String, String, String?, String?, String?)])
  func parts(name: String, suffix: String, stem: String, template: String?, instance: String?, triggers: String?) throws
  {
    let unit = try #require(UnitName(name))
    #expect(unit.suffix == suffix)
    #expect(unit.stem == stem)
    #expect(unit.template?.rawValue == template)
    #expect(unit.instance == instance)
    #expect(unit.isTrigger == (triggers != nil))
    #expect(unit.defaultTriggered?.rawValue == triggers)
  }
}
