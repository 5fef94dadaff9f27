import Core
import Testing

@testable import Hardening

/// Which services count as running rootless podman (and so keep their namespaces).
@Suite struct UnitNeedsPodmanTests {
  private func runsPodman(_ service: String) throws -> Bool {
    let unit = try UnitFile.parse("[Unit]\nDescription=podman bot\n[Service]\n" + service).get()
    return UnitNeeds.execRunsPodman(unit)
  }

  @Test func aCommandLineThatRunsPodmanCounts() throws {
    for line in [
      "ExecStart=/usr/bin/podman run --rm localhost/bot",
      "ExecStart=-/usr/bin/podman start bot",
      "ExecStart=/usr/bin/env podman run localhost/bot",
      "ExecStart=\"/usr/bin/podman\" run bot",
      "ExecStartPre=podman pull localhost/bot\nExecStart=/bin/true",
      "ExecStopPost=/bin/sh -c true\tpodman",
    ] {
      #expect(try runsPodman(line + "\n"), "\(line)")
    }
  }

  @Test func podmanElsewhereDoesNotCount() throws {
    for line in [
      "ExecStart=/usr/bin/bot --name podman-bot",
      "ExecStart=/usr/local/bin/podmanx run",
      "ExecStart=/opt/notpodman run",
      "Environment=RUNTIME=podman\nExecStart=/usr/bin/bot",
      "ExecStart=/usr/bin/bot /srv/podman/data",
    ] {
      #expect(try !runsPodman(line + "\n"), "\(line)")
    }
  }
}
