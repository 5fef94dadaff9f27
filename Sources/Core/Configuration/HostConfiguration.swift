/// The host-side settings, `/etc/reconcile/config.yaml` (under `--root`): where the state
/// repository is and whom to trust. Trust anchors live here, root-owned, never in the
/// repository. Command-line options override each field.
///
///     host: gemini
///     state-directory: /var/lib/reconcile
///     repository:
///       url: https://git.example.org/ops/state.git
///       branch: main
///       allowed-signers: /etc/reconcile/allowed_signers
///       ssh-key: /etc/reconcile/deploy_key
///       known-hosts: /etc/reconcile/known_hosts
///       ca-file: /etc/reconcile/ca.pem
///       stale-after: 2h
///       fetch-timeout: 2m
public struct HostConfiguration: Sendable, Equatable {
  /// Where the configuration file lives on the host.
  public static let path = HostPath("/etc/reconcile/config.yaml")!

  public var host: String?
  public var stateDirectory: HostPath = HostPath("/var/lib/reconcile")!
  public var url: String?
  public var branch = "main"
  /// An `ssh-keygen` allowed-signers file; when set, every new commit must be signed.
  public var allowedSigners: String?
  /// A private key for `ssh://` remotes.
  public var sshKey: String?
  /// The OpenSSH known_hosts files whose keys an `ssh://` remote must present: the
  /// `known-hosts` setting alone when set, else `defaultKnownHosts`.
  public var knownHosts: [String] = HostConfiguration.defaultKnownHosts
  /// A PEM file of the certificate authorities trusted for `https://` remotes instead of the
  /// system's.
  public var certificateAuthorities: String?
  /// Seconds without a successful fetch after which the source counts as stale.
  public var staleAfter: Int64 = 3600
  /// Seconds a fetch may take, connecting included, before it is abandoned (the mirror then
  /// serves its last fetch).
  public var fetchTimeout: Int64 = 120
  /// Where to write Prometheus metrics (node_exporter's textfile collector), when set.
  public var metricsFile: HostPath?

  /// The known_hosts files ssh itself reads for root, used when `known-hosts` is not set.
  public static let defaultKnownHosts = ["/root/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"]

  public init() {}

  /// Reads the file from the host; the defaults when it does not exist. Refuses a file that
  /// is not root-owned or that others can write.
  public static func load(from fs: RootedFileSystem, diagnostics: inout Diagnostics) throws -> HostConfiguration {
    guard let status = try fs.status(path) else { return HostConfiguration() }
    let file = fs.realPath(path)
    if status.uid != 0 || status.mode & 0o022 != 0 {
      diagnostics.error(
        "\(file) must be owned by root and writable by root only (it is uid \(status.uid), mode \(String(status.mode, radix: 8)))",
        at: SourcePosition(file: file), code: "config-permissions")
      return HostConfiguration()
    }
    guard let bytes = try fs.read(path, limit: 1 << 20),
      let node = YAMLLoader.load(bytes, file: file, diagnostics: &diagnostics)
    else { return HostConfiguration() }
    var config = HostConfiguration()
    var reader = MappingReader(node, what: "the configuration", diagnostics: &diagnostics)
    config.host = reader.string("host", diagnostics: &diagnostics)?.value
    if let state = reader.string("state-directory", diagnostics: &diagnostics) {
      if let path = HostPath(state.value) {
        config.stateDirectory = path
      } else {
        diagnostics.error("state-directory must be an absolute path", at: state.position, code: "config")
      }
    }
    if let metrics = reader.string("metrics-file", diagnostics: &diagnostics) {
      config.metricsFile = HostPath(metrics.value)
      if config.metricsFile == nil {
        diagnostics.error("metrics-file must be an absolute path", at: metrics.position, code: "config")
      }
    }
    if var repository = reader.mapping("repository", diagnostics: &diagnostics) {
      config.url = repository.string("url", required: true, diagnostics: &diagnostics)?.value
      config.branch = repository.string("branch", diagnostics: &diagnostics)?.value ?? "main"
      config.allowedSigners = repository.string("allowed-signers", diagnostics: &diagnostics)?.value
      config.sshKey = repository.string("ssh-key", diagnostics: &diagnostics)?.value
      if let file = repository.string("known-hosts", diagnostics: &diagnostics) {
        if HostPath(file.value) != nil {
          config.knownHosts = [file.value]
        } else {
          diagnostics.error("known-hosts must be an absolute path", at: file.position, code: "config")
        }
      }
      if let file = repository.string("ca-file", diagnostics: &diagnostics) {
        if HostPath(file.value) != nil {
          config.certificateAuthorities = file.value
        } else {
          diagnostics.error("ca-file must be an absolute path", at: file.position, code: "config")
        }
      }
      if let stale = repository.string("stale-after", diagnostics: &diagnostics) {
        if let seconds = Duration.seconds(stale.value) {
          config.staleAfter = seconds
        } else {
          diagnostics.error(
            "stale-after must be a duration such as 90s, 30m, 2h or 1d, found '\(stale.value)'", at: stale.position,
            code: "config")
        }
      }
      if let timeout = repository.string("fetch-timeout", diagnostics: &diagnostics) {
        if let seconds = Duration.seconds(timeout.value), seconds > 0 {
          config.fetchTimeout = seconds
        } else {
          diagnostics.error(
            "fetch-timeout must be a duration above zero such as 30s or 2m, found '\(timeout.value)'",
            at: timeout.position, code: "config")
        }
      }
      repository.finish(diagnostics: &diagnostics)
    }
    reader.finish(diagnostics: &diagnostics)
    return config
  }

  /// Durations written as `90s`, `30m`, `2h`, `1d` or plain seconds.
  public enum Duration {
    /// The number of seconds `text` stands for, nil when it is not a duration.
    public static func seconds(_ text: String) -> Int64? {
      let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
      if let last = text.last, let unit = units[last], let value = Int64(text.dropLast()), value >= 0 {
        return value * unit
      }
      return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }
  }
}
