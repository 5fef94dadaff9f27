import Testing

@testable import Core

@Suite("Account validation rules")
struct AccountRulesTests {
  @Test(
    "Safe names pass",
    arguments: [
      "bitcoin", "_apt", "systemd-network", "a", "debian-tor",
      "x1", String(repeating: "a", count: 32),
    ])
  func goodNames(_ name: String) {
    #expect(AccountRules.nameProblem(name, kind: .user) == nil)
  }

  @Test("Unsafe names are refused with a sentence saying why")
  func badNames() {
    let cases: [(String, String)] = [
      ("", "the user name is empty"),
      ("Bitcoin", "the user name 'Bitcoin' must start with a lowercase letter or '_'"),
      ("-rf", "the user name '-rf' must start with a lowercase letter or '_'"),
      ("1234", "the user name '1234' must start with a lowercase letter or '_'"),
      (
        "bit:coin",
        "the user name 'bit:coin' contains ':'; only lowercase letters, digits, '_' "
          + "and '-' are allowed"
      ),
      (
        "a/b",
        "the user name 'a/b' contains '/'; only lowercase letters, digits, '_' and '-' "
          + "are allowed"
      ),
      (
        "bad\nname",
        "the user name 'bad\\nname' contains a line break; only lowercase letters, "
          + "digits, '_' and '-' are allowed"
      ),
      (
        "matriX",
        "the user name 'matriX' contains the uppercase letter 'X'; only lowercase "
          + "letters, digits, '_' and '-' are allowed"
      ),
      (
        String(repeating: "a", count: 33),
        "the user name '\(String(repeating: "a", count: 33))' "
          + "is 33 characters long; the limit is 32"
      ),
    ]
    for (name, sentence) in cases {
      #expect(AccountRules.nameProblem(name, kind: .user) == sentence)
    }
    #expect(AccountRules.nameProblem("Tor", kind: .group)?.hasPrefix("the group name") == true)
  }

  @Test("Fields with ':' or a line break are refused")
  func fields() {
    #expect(AccountRules.fieldProblem("Bitcoin node, room 1", field: "comment") == nil)
    #expect(
      AccountRules.fieldProblem("a:b", field: "comment")
        == "the comment 'a:b' contains ':', which separates fields in the account files")
    #expect(
      AccountRules.fieldProblem("a\nroot::0:0::/:/bin/sh", field: "comment")
        == "the comment 'a\\nroot::0:0::/:/bin/sh' contains ':', which separates fields in the "
        + "account files")
    #expect(
      AccountRules.fieldProblem("line\nbreak", field: "comment")
        == "the comment 'line\\nbreak' contains a line break")
    #expect(AccountRules.pathProblem("/var/lib/bitcoin", field: "home") == nil)
    #expect(
      AccountRules.pathProblem("/bin/sh:x", field: "shell")
        == "the shell '/bin/sh:x' contains ':', which separates fields in the account files")
    #expect(
      AccountRules.pathProblem("var/lib", field: "home")
        == "the home 'var/lib' is not an absolute path")
  }

  @Test("Reserved IDs are refused, naming who reserves them")
  func reservedIDs() {
    let cases: [(UInt32, String)] = [
      (0, "UID 0 is reserved for root"),
      (60001, "UID 60001 is reserved for systemd-homed's range 60001-60513"),
      (60513, "UID 60513 is reserved for systemd-homed's range 60001-60513"),
      (61184, "UID 61184 is reserved for systemd's DynamicUser= range 61184-65519"),
      (65519, "UID 65519 is reserved for systemd's DynamicUser= range 61184-65519"),
      (65534, "UID 65534 is reserved for nobody"),
      (65535, "UID 65535 is reserved for the invalid ID 65535 ((uint16_t) -1)"),
      (524288, "UID 524288 is reserved for systemd-nspawn's container range 524288-1879048191"),
      (
        1_879_048_191,
        "UID 1879048191 is reserved for systemd-nspawn's container range 524288-1879048191"
      ),
      (4_294_967_295, "UID 4294967295 is reserved for the invalid ID 4294967295 ((uid_t) -1)"),
    ]
    for (id, sentence) in cases {
      #expect(AccountRules.reservedIDProblem(id, kind: .user) == sentence)
    }
    for id: UInt32 in [
      1, 999, 1000, 60000, 60514, 61183, 65520, 65533, 100000, 524287,
      1_879_048_192,
    ] {
      #expect(AccountRules.reservedIDProblem(id, kind: .group) == nil, "\(id)")
    }
  }

  @Test("System accounts stay inside login.defs' system range")
  func systemRange() {
    let defs = LoginDefs.debianDefaults
    #expect(AccountRules.systemRangeProblem(150, kind: .user, loginDefs: defs) == nil)
    #expect(
      AccountRules.systemRangeProblem(1500, kind: .user, loginDefs: defs)
        == "UID 1500 of a system user is outside SYS_UID_MIN...SYS_UID_MAX (100...999) of "
        + "/etc/login.defs")
    let custom = LoginDefs.parse(Array("SYS_GID_MIN 200\nSYS_GID_MAX 300\n".utf8))
    #expect(
      AccountRules.systemRangeProblem(150, kind: .group, loginDefs: custom)
        == "GID 150 of a system group is outside SYS_GID_MIN...SYS_GID_MAX (200...300) of "
        + "/etc/login.defs")
  }

  @Test("Duplicate and changed IDs are refused")
  func duplicates() {
    let others: [(name: String, id: UInt32)] = [("bitcoin", 990), ("lightning", 991)]
    #expect(AccountRules.duplicateIDProblem(990, of: "bitcoin", kind: .user, others: others) == nil)
    #expect(AccountRules.duplicateIDProblem(992, of: "report", kind: .user, others: others) == nil)
    #expect(
      AccountRules.duplicateIDProblem(991, of: "report", kind: .user, others: others)
        == "UID 991 of user 'report' is already taken by user 'lightning'")
    #expect(
      AccountRules.changedIDProblem(name: "bitcoin", kind: .user, existing: 990, declared: 990)
        == nil)
    #expect(
      AccountRules.changedIDProblem(name: "bitcoin", kind: .user, existing: 990, declared: 995)
        == "user 'bitcoin' has UID 990 on the host but 995 is declared; reconcile never changes an "
        + "existing UID (files owned by it would be orphaned)")
  }
}
