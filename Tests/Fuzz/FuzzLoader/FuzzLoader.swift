import Core

/// libFuzzer entry point: the state-repository loader must never crash. The input is one
/// YAML file, loaded as a host file and as a role file of an in-memory repository.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let tree = MemoryTree(files: [
    "reconcile.yaml": Array("format: 1\n".utf8),
    "hosts/fuzz.yaml": bytes,
    "roles/app/role.yaml": bytes,
    "roles/app/units/app.service": bytes,
  ])
  var diagnostics = Diagnostics()
  let repository = StateRepository(tree: tree, sectionKeys: ["units", "users", "groups", "hardening", "drift"])
  if let host = repository.load(host: "fuzz", diagnostics: &diagnostics) {
    for (_, node) in host.sections("units") {
      var reader = MappingReader(node, what: "units", diagnostics: &diagnostics)
      for (key, _) in reader.entries { _ = reader.bool(key.value, diagnostics: &diagnostics) }
      reader.finish(diagnostics: &diagnostics)
    }
  }
  _ = DiagnosticRenderer().render(diagnostics.sorted)
  return 0
}

/// A `StateTree` held in memory.
struct MemoryTree: StateTree {
  var files: [String: [UInt8]]
  var origin: String { "memory" }

  func entries(of directory: String) throws -> [TreeEntry]? {
    let prefix = directory.isEmpty ? "" : directory + "/"
    var names: [String: TreeEntry.Kind] = [:]
    for path in files.keys where path.hasPrefix(prefix) {
      let rest = path.dropFirst(prefix.count)
      if let slash = rest.firstIndex(of: "/") {
        names[String(rest[..<slash])] = .directory
      } else {
        names[String(rest)] = .file
      }
    }
    if names.isEmpty && !directory.isEmpty { return nil }
    return names.sorted { $0.key < $1.key }.map {
      TreeEntry(name: $0.key, kind: $0.value, size: files[prefix + $0.key]?.count)
    }
  }

  func contents(of path: String, limit: Int) throws -> [UInt8] {
    guard let bytes = files[path] else { throw StateTreeError(path: path, reason: "no such file") }
    guard bytes.count <= limit else { throw StateTreeError(path: path, reason: "too large") }
    return bytes
  }
}
