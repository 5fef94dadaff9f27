import Core
import Foundation
import TestSupport
import Testing

/// What the reliability tests check on a live bed: the example applied at /srv/state, the
/// account files, the unit folders, reconcile's temporary files.
enum LiveHost {
  /// `reconcile apply` of the example host, as the bed runs it.
  static let apply = ["reconcile", "apply", "--repo", "/srv/state", "--host", "gemini"]
  /// `reconcile plan` of the example host: exit 0 when there is nothing to do.
  static let plan = ["reconcile", "plan", "--repo", "/srv/state", "--host", "gemini"]
  /// The users the example declares.
  static let users = ["bitcoin", "lightning", "report", "matrix"]

  /// The folders whose files and links are unit files, drop-ins and [Install] links.
  static let unitFolders = ["/etc/systemd/system", "/etc/systemd/user"]

  /// Boots a bed with reconcile and the example (images built) inside, with `snapshot` keeps
  /// a snapshot of it (so `restore()` goes back to a host reconcile has never touched), runs
  /// `body`, and powers the bed off, also when `body` throws.
  static func withExampleBed<R: Sendable>(
    _ name: String, snapshot: Bool = false, _ body: (TestBed) async throws -> R
  ) async throws -> R {
    try await withTestBed(name: name) { bed in
      try await bed.installExample(at: "/srv/state")
      if snapshot { try await bed.snapshot() }
      return try await body(bed)
    }
  }

  /// The bed's root as the host sees it (the mounted overlay).
  static func root(of bed: TestBed) -> String { bed.directory + "/root" }

  /// Each regular file's contents and each symlink's target (prefixed `->`) under the unit
  /// folders, by path inside the bed.
  static func unitFiles(_ bed: TestBed) throws -> [String: String] {
    var found: [String: String] = [:]
    let manager = FileManager.default
    for folder in unitFolders {
      let base = root(of: bed) + folder
      for relative in manager.enumerator(atPath: base)?.compactMap({ $0 as? String }) ?? [] {
        let path = base + "/" + relative
        let type = try manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType
        if type == .typeSymbolicLink {
          found[folder + "/" + relative] = "-> " + (try manager.destinationOfSymbolicLink(atPath: path))
        } else if type == .typeRegular {
          let data = try Data(contentsOf: URL(fileURLWithPath: path))
          found[folder + "/" + relative] = String(decoding: data, as: UTF8.self)
        }
      }
    }
    return found
  }

  /// reconcile's temporary files (`.NAME.reconcile-tmp`) anywhere in the bed's root and /run.
  static func temporaries(_ bed: TestBed) async throws -> [String] {
    let found = try await bed.run([
      "find", "/", "/run", "-xdev", "-name", "*.reconcile-tmp", "-not", "-path", "/proc/*",
    ])
    return found.split(separator: "\n").map(String.init)
  }

  /// What `pwck -r` and `grpck -r` say about a bed reconcile has not touched: Debian's stock
  /// users whose homes a minimal root lacks (`/var/spool/lpd`...). `accountProblems` ignores
  /// these lines, and only these.
  static func stockComplaints(_ bed: TestBed) async throws -> Set<String> {
    var lines: Set<String> = []
    for check in ["pwck", "grpck"] {
      let result = try await bed.exec([check, "-r"])
      lines.formUnion((result.stdout + result.stderr).split(separator: "\n").map(String.init))
    }
    return lines
  }

  /// Problems with the account files: reconcile's parser, `pwck -r` and `grpck -r` inside the
  /// bed (but for the `stock` complaints), and every subuid/subgid line of the shape
  /// NAME:START:COUNT. Empty when all is sound.
  static func accountProblems(_ bed: TestBed, stock: Set<String>) async throws -> [String] {
    var problems: [String] = []
    let database = try AccountFiles(fs: RootedFileSystem(root: root(of: bed))).read()
    problems += database.problems.map { "\($0)" }
    for check in ["pwck", "grpck"] {
      let result = try await bed.exec([check, "-r"])
      let new = (result.stdout + result.stderr).split(separator: "\n").map(String.init)
        .filter { !stock.contains($0) && !$0.hasSuffix(": no changes") }
      if !result.succeeded && !new.isEmpty || ![0, 2].contains(result.status) {
        problems.append("\(check) -r (status \(result.status)): \(new)")
      }
    }
    let ranges = try await bed.run([
      "awk", "-F:", "NF != 3 || $2 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ { print FILENAME \": \" $0 }",
      "/etc/subuid", "/etc/subgid",
    ])
    if !ranges.isEmpty { problems.append("malformed subordinate ranges: \(ranges)") }
    return problems
  }

  /// A fingerprint of everything a run could touch: every entry's path, type, mode, owner,
  /// inode, size and modification time (nanoseconds; a file reconcile replaces gets a new
  /// inode, one written in place a new time) under the given folders inside the bed; and the
  /// top level of /var/lib, where new homes appear.
  static func fingerprint(_ bed: TestBed, _ folders: [String]) async throws -> String {
    try await bed.run(
      [
        "sh", "-c",
        """
        find "$@" -xdev -printf '%p %y %m %U:%G %i %s %T@\\n' 2>/dev/null | sort
          find /var/lib -maxdepth 1 -printf '%p %y %m %U:%G %i %T@\\n' | sort
        """,
        "sh",
      ] + folders)
  }

  /// Waits until the programs a killed run had started are gone, at most 30 s: shadow-utils
  /// tools, and the podman commands it ran as a user (orphans, so their parent is the bed's
  /// init; not root's own podman API service, which the bed starts at boot and which exits
  /// by itself after 5 s). The bed has no procps: /proc is read directly.
  static func waitForOrphans(_ bed: TestBed) async throws {
    try await bed.run([
      "sh", "-c",
      """
      busy() {
        for p in /proc/[0-9]*; do
          comm=$(cat "$p/comm" 2>/dev/null) || continue
          case $comm in
            useradd|usermod|groupadd|groupmod|gpasswd|userdel|groupdel) return 0 ;;
            setpriv|env|podman) ;;
            *) continue ;;
          esac
          # An orphan (its parent the bed's init), but not root's podman API service.
          set -- $(awk '/^PPid:/ { p = $2 } /^Uid:/ { u = $2 } END { print p, u }' \
            "$p/status" 2>/dev/null)
          [ "${1:-}" = 1 ] || continue
          [ "$comm" = podman ] && [ "${2:-}" = 0 ] && continue
          return 0
        done
        return 1
      }
      for i in $(seq 300); do busy || exit 0; sleep 0.1; done
      exit 1
      """,
    ])
  }

  /// A shell function, `pid_of NAME`, printing the PIDs of processes named NAME (no procps
  /// in the bed).
  static let pidOf = """
    pid_of() {
      for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
      done
    }
    """
}
