// swift-tools-version: 6.0
// reconcile: a git-backed host-state reconciler. Layers: SystemCalls (POSIX shim) ->
// Core (model, loader, engine) -> Plugins/* (one target each) -> reconcile (command line).
// Binding targets (CGit2, CSystemd and their Swift owners) are the only code that imports C,
// but for libyaml (CYAML), which only Core's YAML event parser imports, and the SHA-256
// rounds in the processor's instructions (CSHA256), which only Core's SHA256 imports.
import Foundation
import PackageDescription

/// A plugin target: imports Core only.
func plugin(_ name: String) -> Target {
  .target(name: name, dependencies: ["Core"], path: "Sources/Plugins/\(name)", exclude: readme)
}

/// Every target folder has a README saying what it is and what it may import.
let readme = ["README.md"]

let plugins = ["Units", "Users", "Subids", "Linger", "Hardening", "Podman", "Email", "Schedule"]

let package = Package(
  name: "reconcile",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "reconcile", targets: ["reconcile"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "SystemCalls", exclude: readme),
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .target(name: "CSHA256", exclude: readme),
    .target(name: "Core", dependencies: ["SystemCalls", "CYAML", "CSHA256"], exclude: readme),
    .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    .target(name: "GitSource", dependencies: ["Core", "SystemCalls", "CGit2"], exclude: readme),
    .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
    .target(name: "SystemdBus", dependencies: ["Core", "CSystemd"], exclude: readme),
  ] + plugins.map(plugin) + [
    .executableTarget(
      name: "reconcile",
      dependencies: [
        "Core", "GitSource", "SystemdBus",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ] + plugins.map { .target(name: $0) },
      exclude: readme
    ),
    .target(
      name: "TestSupport", dependencies: ["Core", "SystemCalls", "GitSource"], path: "Tests/TestSupport",
      exclude: readme),
    .testTarget(name: "CoreTests", dependencies: ["Core", "TestSupport"]),
    .testTarget(name: "UnitsTests", dependencies: ["Units", "Hardening", "Core", "TestSupport"]),
    .testTarget(
      name: "UsersTests",
      dependencies: ["Users", "Subids", "Linger", "Units", "Core", "SystemCalls", "TestSupport"],
      exclude: readme),
    .testTarget(
      name: "HardeningTests", dependencies: ["Hardening", "Units", "Core", "TestSupport"],
      exclude: ["Corpus", "README.md"]),
    .testTarget(
      name: "ReconcileTests", dependencies: ["reconcile", "Core", "TestSupport", "GitSource"],
      exclude: ["HostileCorpus", "Golden"]),
    .testTarget(
      name: "EmailTests", dependencies: ["Email", "Units", "Hardening", "Core", "TestSupport"], exclude: readme),
    .testTarget(
      name: "PodmanTests",
      dependencies: ["Podman", "Users", "Subids", "Linger", "Units", "Hardening", "Core", "TestSupport"]),
    .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "Core", "SystemCalls", "TestSupport"]),
    .executableTarget(
      name: "systemd-probe", dependencies: ["SystemdBus", "Core"], path: "Tests/SystemdProbe", exclude: readme),
    .testTarget(name: "SystemdBusTests", dependencies: ["SystemdBus", "Core", "TestSupport"], exclude: readme),
    .testTarget(name: "SystemTests", dependencies: ["Core", "TestSupport"], exclude: readme),
    .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"], exclude: readme),
  ],
  swiftLanguageModes: [.v6]
)

// libFuzzer targets for the parsers, only when asked for: a fuzzer executable has no main of
// its own, so it cannot link in an ordinary build.
//   RECONCILE_FUZZ=1 swift build -c release --sanitize=fuzzer --product FuzzLoader
if ProcessInfo.processInfo.environment["RECONCILE_FUZZ"] != nil {
  package.targets += ["FuzzUnitFile", "FuzzLoader"].map { name in
    .executableTarget(
      name: name, dependencies: ["Core"], path: "Tests/Fuzz/\(name)",
      swiftSettings: [.unsafeFlags(["-parse-as-library"])])
  }
}
