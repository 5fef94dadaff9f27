import Core

/// The `[Service]` directives a hardening profile or a unit's additions may set: those the
/// exposure scorer reads, and sandboxing directives it does not score but that hardening needs
/// (writable paths, state directories, file-system and socket restrictions).
public enum HardeningDirectives {
  /// Directives that sandbox without moving the exposure score.
  public static let unscored: Set<String> = [
    "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
    "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths", "PrivateIPC",
    "StateDirectory", "CacheDirectory", "LogsDirectory", "RuntimeDirectory",
    "ConfigurationDirectory", "StateDirectoryMode", "CacheDirectoryMode", "LogsDirectoryMode",
    "RuntimeDirectoryMode", "ConfigurationDirectoryMode", "SystemCallErrorNumber",
    "SystemCallLog", "RestrictFileSystems", "SocketBindAllow", "SocketBindDeny", "MountAPIVFS",
    "LimitCORE", "SecureBits", "Group",
  ]

  /// Every directive accepted.
  public static let known: Set<String> = SecuritySettings.scoredDirectives.union(unscored)

  /// Why `key=value` cannot go into a drop-in, or nil when it can.
  public static func problem(key: String, value: String) -> String? {
    guard known.contains(key) else {
      return "unknown hardening directive '\(key.debugEscaped)'"
    }
    if value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
      return
        "the value of \(key) contains a line break or NUL, which would inject lines into the unit"
    }
    if value.hasSuffix("\\") {
      return "the value of \(key) ends in a backslash, which systemd reads as a continued line"
    }
    return nil
  }

  /// A did-you-mean note for an unknown directive.
  public static func suggestion(for key: String) -> String? {
    let sameLetters = known.first { $0.lowercased() == key.lowercased() }
    return (sameLetters ?? Spelling.closest(to: key, in: known.sorted())).map {
      "did you mean '\($0)'?"
    }
  }
}
