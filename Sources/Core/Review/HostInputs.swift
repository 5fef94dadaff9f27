/// Everything of a state repository a host's desired state is made from, as one fingerprint:
/// `reconcile.yaml`, and each of the host's layers (its role files and folders, its host
/// file and folder). These are the only files `StateRepository` reads for the host, so two
/// commits with the same fingerprint for a host declare the same state for it, and a review
/// need not simulate it.
enum HostInputs {
  /// The fingerprint of what `declarations` were loaded from; nil when a file cannot be read
  /// (then the host is simulated).
  static func fingerprint(of declarations: HostDeclarations) -> String? {
    let tree = declarations.tree
    var lines: [String] = []
    do {
      lines.append(try line(for: "reconcile.yaml", in: tree))
      for layer in declarations.layers {
        lines.append(try line(for: layer.file, in: tree))
        try walk(layer.directory, in: tree, into: &lines)
      }
    } catch {
      return nil
    }
    return SHA256.hex(lines.joined(separator: "\n"))
  }

  /// Appends a line for every entry below `folder`, depth first, in name order.
  private static func walk(_ folder: String, in tree: any StateTree, into lines: inout [String])
    throws
  {
    guard let entries = try tree.entries(of: folder) else { return }
    for entry in entries {
      let path = "\(folder)/\(entry.name)"
      switch entry.kind {
      case .directory:
        lines.append("\(path) directory")
        try walk(path, in: tree, into: &lines)
      case .file, .executable:
        lines.append(try line(for: path, in: tree) + " \(entry.kind.rawValue)")
      case .symlink, .submodule, .other:
        lines.append("\(path) \(entry.kind.rawValue)")
      }
    }
  }

  private static func line(for file: String, in tree: any StateTree) throws -> String {
    let bytes = try? tree.contents(of: file, limit: StateRepository.fileSizeLimit)
    return "\(file) \(bytes.map { SHA256.hex($0) } ?? "missing")"
  }
}
