import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// OpenSSH known_hosts files: the SSH host keys a fetch believes.
///
/// The format is sshd(8)'s: `HOSTS TYPE BASE64-KEY [COMMENT]`, where `HOSTS` is a
/// comma-separated list of names and patterns (`*` and `?` wildcards, `!` to negate,
/// `[host]:port` for a port other than 22) or one hashed name, `|1|SALT|HMAC-SHA1`, as
/// `ssh-keygen -H` and Debian's `HashKnownHosts yes` write them. A line marked `@revoked`
/// refuses its key; `@cert-authority` lines are skipped (libssh2 does not take host
/// certificates). A key is believed when a line for the host and port holds exactly the
/// offered key, and no `@revoked` line for them does.
///
/// Files that do not exist are passed over; a file others may write, or that cannot be
/// read, refuses every key (a key anybody can add is no check).
struct KnownHosts: Sendable {
  /// The files, in the order they are searched.
  var files: [String]

  /// One usable line of a file.
  struct Entry: Sendable {
    var file: String
    var line: Int
    var revoked: Bool
    var patterns: Substring
    var type: Substring
    var blob: [UInt8]
  }

  /// Whether `key`, offered by `host` on `port`, is believed. `open(2)`, `fstat(2)`
  func check(host: String, port: Int, key: SSHHostKey) -> HostKeyRejection? {
    let name = Self.name(host: host, port: port)
    func rejection(_ reason: HostKeyRejection.Reason) -> HostKeyRejection {
      HostKeyRejection(host: name, offered: key, files: files, reason: reason)
    }
    guard !files.isEmpty else { return rejection(.noFiles) }
    var entries: [Entry] = []
    var missing: [String] = []
    for file in files {
      switch Self.read(file) {
      case .missing: missing.append(file)
      case .refused(let why): return rejection(.unusableFile(file: file, why: why))
      case .entries(let read): entries += read.filter { Self.matches($0.patterns, name: name) }
      }
    }
    if let revoked = entries.first(where: { $0.revoked && $0.blob == key.blob }) {
      return rejection(.revoked(file: revoked.file, line: revoked.line))
    }
    let known = entries.filter { !$0.revoked }
    if known.contains(where: { $0.blob == key.blob }) { return nil }
    if let changed = known.first(where: { $0.type == key.type }) {
      return rejection(.changed(file: changed.file, line: changed.line))
    }
    if !known.isEmpty {
      return rejection(.otherTypes(Array(Set(known.map { String($0.type) })).sorted()))
    }
    return rejection(.unknownHost(missing: missing))
  }

  /// The name a known_hosts line gives the host: `host`, or `[host]:port` off port 22.
  static func name(host: String, port: Int) -> String {
    port == 22 ? host.lowercased() : "[\(host.lowercased())]:\(port)"
  }

  /// What reading one file gave.
  enum FileContents {
    case missing
    case refused(String)
    case entries([Entry])
  }

  /// Reads and parses `file`; lines that do not parse are skipped, as ssh skips them.
  static func read(_ file: String) -> FileContents {
    let bytes: [UInt8]
    do {
      let descriptor = try Descriptor.open(file, flags: O_RDONLY)
      let status = try descriptor.status()
      guard status.kind == .regular else { return .refused("it is not a regular file") }
      guard status.uid == 0 || status.uid == geteuid(), status.mode & 0o022 == 0 else {
        return .refused(
          "it belongs to uid \(status.uid) with mode \(String(status.mode, radix: 8));"
            + " it must be writable by its owner only, root or uid \(geteuid())")
      }
      bytes = try descriptor.readAll(limit: 16 << 20)
    } catch let error as SystemCallError where error.isNotFound {
      return .missing
    } catch {
      return .refused("\(error)")
    }
    var entries: [Entry] = []
    var number = 0
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      number += 1
      let text = String(decoding: line, as: UTF8.self)
      var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })[...]
      guard let first = fields.first, !first.hasPrefix("#") else { continue }
      var revoked = false
      if first.hasPrefix("@") {
        guard first == "@revoked" else { continue }  // @cert-authority: no host certificates
        revoked = true
        fields = fields.dropFirst()
      }
      guard fields.count >= 3, let blob = Base64.decode(fields[fields.startIndex + 2]) else {
        continue
      }
      entries.append(
        Entry(
          file: file, line: number, revoked: revoked, patterns: fields[fields.startIndex],
          type: fields[fields.startIndex + 1], blob: blob))
    }
    return .entries(entries)
  }

  /// Whether a line's host field names `name`: a hashed name, or patterns of which one
  /// matches and no negated one does.
  static func matches(_ patterns: Substring, name: String) -> Bool {
    if patterns.hasPrefix("|") { return matchesHashed(patterns, name: name) }
    var matched = false
    for pattern in patterns.split(separator: ",") {
      if pattern.hasPrefix("!") {
        if glob(Array(pattern.dropFirst().lowercased().utf8), Array(name.utf8)) { return false }
      } else if glob(Array(pattern.lowercased().utf8), Array(name.utf8)) {
        matched = true
      }
    }
    return matched
  }

  /// `|1|SALT|HASH`: HMAC-SHA1 of the name keyed with the salt. Other schemes match nothing.
  private static func matchesHashed(_ field: Substring, name: String) -> Bool {
    let parts = field.split(separator: "|", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[1] == "1", let salt = Base64.decode(parts[2]),
      let hash = Base64.decode(parts[3])
    else { return false }
    return SHA1.hmac(key: salt, message: Array(name.utf8)) == hash
  }

  /// Shell-style matching with `*` and `?`, as ssh matches host patterns.
  private static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
    var (p, t) = (0, 0)
    var star: (pattern: Int, text: Int)?
    while t < text.count {
      if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
        p += 1
        t += 1
      } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
        star = (p, t)
        p += 1
      } else if let last = star {
        p = last.pattern + 1
        t = last.text + 1
        star = (last.pattern, last.text + 1)
      } else {
        return false
      }
    }
    while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }
}
