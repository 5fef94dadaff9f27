import Core

/// Hardens services with reconcile-owned sandboxing drop-ins and gates them on their
/// exposure, scored offline as `systemd-analyze security` of systemd 252 scores it.
///
///     hardening:
///       profiles:
///         node: { base: strict, set: { ProtectHome: read-only }, unset: [PrivateNetwork] }
///       policy:
///         max-exposure: 3.0
///       units:
///         report.service:
///           profile: strict
///           add: { ReadWritePaths: /var/lib/report }
///           remove: [MemoryDenyWriteExecute]
///           max-exposure: 5.0
///           reason: needs JIT
///
/// The plugin writes nothing itself: at decode it contributes one drop-in per hardened unit,
/// `NAME.d/50-reconcile-hardening.conf`, which the units plugin installs (one reload,
/// restarts of exactly the changed units), and it checks the policy, so `reconcile check`
/// fails for a unit above its limit. Its plan holds notes only: each touched unit's exposure
/// before and after. See docs/hardening.md.
public struct HardeningPlugin: Plugin {
  public init() {}

  public var name: String { "hardening" }
  public var sections: [String] { ["hardening"] }

  /// The plugin that installs the drop-ins, named in contributions.
  static let origin = "hardening"

  /// Never called: the plugin's plan has no changes; the units plugin installs its drop-ins.
  public func apply(_ change: Change, host: Host, ledger: inout Ledger) throws -> String? {
    throw InternalError(
      "the hardening plugin was asked to apply \(change.address); it plans no changes")
  }
}
