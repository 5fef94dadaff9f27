import Core
import TestSupport
import Testing

/// `/etc/reconcile/config.yaml`, read from a temporary root: the git source's settings, their
/// defaults, and the diagnostics for paths that are not absolute.
@Suite struct HostConfigurationTests {
  /// The configuration and the diagnostics' texts of a root holding `text` as its file.
  func load(_ text: String?) throws -> (HostConfiguration, [String]) {
    let scratch = try ScratchDirectory()
    if let text { try scratch.write("root/etc/reconcile/config.yaml", text, mode: 0o600) }
    try scratch.write("root/.keep", "")
    var diagnostics = Diagnostics()
    let config = try HostConfiguration.load(
      from: try RootedFileSystem(root: scratch.join("root")), diagnostics: &diagnostics)
    return (config, diagnostics.all.map { "\($0)" })
  }

  @Test func withoutAFileSSHRemotesAreCheckedAgainstRootsKnownHostsFiles() throws {
    let (config, problems) = try load(nil)
    #expect(problems.isEmpty)
    #expect(config.knownHosts == ["/root/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"])
    #expect(config.certificateAuthorities == nil && config.sshKey == nil)
  }

  @Test func knownHostsAndACAFileReplaceTheDefaults() throws {
    let (config, problems) = try load(
      """
      repository:
        url: ssh://git@git.example.net/state.git
        ssh-key: /etc/reconcile/deploy_key
        known-hosts: /etc/reconcile/known_hosts
        ca-file: /etc/reconcile/ca.pem

      """)
    #expect(problems.isEmpty, "\(problems)")
    #expect(config.url == "ssh://git@git.example.net/state.git")
    #expect(config.sshKey == "/etc/reconcile/deploy_key")
    #expect(config.knownHosts == ["/etc/reconcile/known_hosts"])
    #expect(config.certificateAuthorities == "/etc/reconcile/ca.pem")
  }

  @Test func relativePathsAreRefusedAtTheirLine() throws {
    let (config, problems) = try load(
      """
      repository:
        url: https://git.example.net/state.git
        known-hosts: known_hosts
        ca-file: ./ca.pem

      """)
    #expect(problems.count == 2, "\(problems)")
    #expect(problems.contains { $0.contains("config.yaml:3:") && $0.contains("known-hosts must be an absolute path") })
    #expect(problems.contains { $0.contains("config.yaml:4:") && $0.contains("ca-file must be an absolute path") })
    #expect(config.knownHosts == HostConfiguration.defaultKnownHosts)
    #expect(config.certificateAuthorities == nil)
  }
}
