import Core
import TestSupport
import Testing

@testable import Units

/// Observing fingerprints each installed file by its own bytes, also when files share one
/// desired buffer (as hardening's drop-in is shared) and that buffer's fingerprint is reused.
@Suite struct UnitsObserveFingerprintTests {
  @Test func sharedAndLookAlikeContentsEachGetTheirOwnFingerprint() throws {
    let scratch = try ScratchDirectory("units-fingerprint")
    let fs = try RootedFileSystem(root: scratch.path)
    let shared = Array("[Service]\nPrivateTmp=yes\n".utf8)
    let sameLength = Array("[Service]\nPrivateTmp=no!\n".utf8)
    let edited = Array("[Service]\nPrivateTmp=off\n".utf8)
    #expect(shared.count == sameLength.count && shared.count == edited.count)
    var desired = DesiredUnits()
    for (name, contents) in [("a", shared), ("b", shared), ("c", sameLength), ("d", shared)] {
      desired.files.append(
        .init(
          scope: .system, unit: UnitName("\(name).service")!, dropIn: "50-x.conf", contents: contents,
          origin: "test"))
    }
    let onDisk = ["a": shared, "b": shared, "c": sameLength, "d": edited]
    for (name, bytes) in onDisk {
      let folder = HostPath("/etc/systemd/system/\(name).service.d")!
      try fs.makeFolders(folder)
      try fs.write(folder.child("50-x.conf"), bytes, mode: 0o644)
    }
    let host = Host(
      fs: fs, facts: HostFacts(name: "t", live: false, stateDirectory: HostPath("/var/lib/reconcile")!))
    let observed = try UnitsPlugin().observe(desired, ledger: Ledger(), host: host)
    for (name, bytes) in onDisk {
      let file = try #require(observed.files[HostPath("/etc/systemd/system/\(name).service.d/50-x.conf")!])
      #expect(file.fingerprint == Fingerprint.of(bytes), "\(name)")
      #expect(file.isDesired == (name != "d"), "\(name)")
    }
  }
}
