// swift-tools-version: 6.0
// reconcile: a git-backed host-state reconciler. Layers: SystemCalls (POSIX shim) ->
// Core (model, loader, engine) -> Plugins/* (one target each) -> reconcile (command line).
// Binding targets (CGit2, CSystemd and their Swift owners) are the only code that imports C.
import PackageDescription

/// A plugin target: imports Core only.
func plugin(_ name: String) -> Target {
  .target(name: name, dependencies: ["Core"], path: "Sources/Plugins/\(name)")
}

let plugins = ["Units", "Users", "Subids", "Linger", "Hardening", "Podman", "Email"]

let package = Package(
  name: "reconcile",
  platforms: [.macOS(.v14)],
  products: [.executable(name: "reconcile", targets: ["reconcile"])],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    .target(name: "SystemCalls"),
    .target(name: "Core", dependencies: ["SystemCalls", "Yams"]),
    .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    .target(name: "GitSource", dependencies: ["Core", "CGit2"]),
    .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
    .target(name: "SystemdBus", dependencies: ["Core", "CSystemd"]),
  ] + plugins.map(plugin) + [
    .executableTarget(
      name: "reconcile",
      dependencies: [
        "Core", "GitSource", "SystemdBus",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ] + plugins.map { .target(name: $0) }
    ),
    .target(
      name: "TestSupport", dependencies: ["Core", "SystemCalls"], path: "Tests/TestSupport",
      exclude: ["README.md"]),
    .testTarget(name: "CoreTests", dependencies: ["Core", "TestSupport"]),
    .testTarget(name: "UnitsTests", dependencies: ["Units", "Core", "TestSupport"]),
    .testTarget(name: "ReconcileTests", dependencies: ["reconcile", "Core", "TestSupport"]),
    .testTarget(name: "SystemTests", dependencies: ["Core", "TestSupport"], exclude: ["README.md"]),
  ],
  swiftLanguageModes: [.v6]
)
