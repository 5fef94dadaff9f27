import Core
import Testing

@testable import SystemdBus

/// Pure parts of the binding, no bus needed.
struct SystemdBusUnitTests {
  @Test func journalFieldNamesFollowJournaldsRules() {
    #expect(Journal.isValidFieldName("MESSAGE_ID"))
    #expect(Journal.isValidFieldName("RECONCILE_UNIT2"))
    #expect(!Journal.isValidFieldName(""))
    #expect(!Journal.isValidFieldName("_PID"))  // trusted fields are journald's
    #expect(!Journal.isValidFieldName("2FA"))
    #expect(!Journal.isValidFieldName("lower"))
    #expect(!Journal.isValidFieldName("A=B"))
    #expect(!Journal.isValidFieldName(String(repeating: "A", count: 65)))
  }

  @Test func sendingAnInvalidFieldNameFailsBeforeAnythingIsSent() {
    #expect(throws: SystemdError.self) { try Journal.send(fields: [("bad name", "x")]) }
  }

  @Test func invocationIDsPrintAs32HexDigits() {
    #expect(SystemdManagerClient.hex(Array(0..<16)) == "000102030405060708090a0b0c0d0e0f")
    #expect(SystemdManagerClient.hex([UInt8](repeating: 0, count: 16)) == "")
    #expect(SystemdManagerClient.hex([]) == "")
  }

  @Test func errorsReadAsOneSentence() {
    let dbus = SystemdError(
      "Manager.StartUnit", subject: "x.service", errorName: "org.freedesktop.systemd1.NoSuchUnit",
      message: "Unit x.service not found.", code: -2)
    #expect(
      dbus.description
        == "Manager.StartUnit(x.service) failed: org.freedesktop.systemd1.NoSuchUnit: "
        + "Unit x.service not found.")
    #expect(dbus.isNoSuchUnit)
    let errno = SystemdError("sd_bus_start", subject: "unix:path=/nope", returned: -2)
    #expect(errno.description == "sd_bus_start(unix:path=/nope) failed: No such file or directory")
  }

  @Test func unitObjectPathsAreEscapedAsSystemdDoes() throws {
    let unit = try #require(UnitName("getty@tty1.service"))
    #expect(
      try SystemdManagerClient.objectPath(of: unit)
        == "/org/freedesktop/systemd1/unit/getty_40tty1_2eservice")
  }
}
