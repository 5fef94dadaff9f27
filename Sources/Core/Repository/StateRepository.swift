/// Loads a state repository (format v1, see docs/state-repo.md) from a `StateTree`:
///
///     reconcile.yaml              format: 1
///     hosts/NAME.yaml             roles: [...] and the host's own declarations
///     hosts/NAME/units/           the host's own unit files (optional)
///     roles/ROLE/role.yaml        a role's declarations
///     roles/ROLE/units/           unit files and NAME.d/ drop-in folders, verbatim
///     roles/ROLE/files/           files the role ships
///
/// Loading checks syntax and shape only; plugins decode their sections afterwards. Every
/// problem is recorded, none stops the scan early.
public struct StateRepository: Sendable {
  /// The largest file the loader reads (YAML and unit files).
  public static let fileSizeLimit = 1 << 20
  /// The format this build understands.
  public static let format = 1

  public let tree: any StateTree
  /// Top-level keys plugins read; any other key in a host or role file is an error.
  public let sectionKeys: Set<String>

  public init(tree: any StateTree, sectionKeys: Set<String>) {
    self.tree = tree
    self.sectionKeys = sectionKeys
  }

  /// The names of all hosts (`hosts/*.yaml`), sorted.
  public func hostNames(diagnostics: inout Diagnostics) -> [String] {
    guard let entries = list("hosts", diagnostics: &diagnostics) else {
      diagnostics.error("the repository has no hosts/ folder", at: SourcePosition(file: "hosts"), code: "layout")
      return []
    }
    return entries.compactMap { entry in
      guard entry.name.hasSuffix(".yaml") else { return nil }
      return String(entry.name.dropLast(5))
    }
  }

  /// Reads the declarations of `host`: its file, each of its roles, and their unit files.
  public func load(host: String, diagnostics: inout Diagnostics) -> HostDeclarations? {
    checkFormat(diagnostics: &diagnostics)
    guard Naming.isValidHostName(host) else {
      diagnostics.error("'\(host.debugEscaped)' is not a valid host name", code: "host-name")
      return nil
    }
    let hostFile = "hosts/\(host).yaml"
    guard let hostNode = yaml(hostFile, diagnostics: &diagnostics) else {
      if (try? tree.entries(of: "hosts"))??.contains(where: { $0.name == "\(host).yaml" }) != true {
        diagnostics.error(
          "no host '\(host)' in the repository (\(hostFile) does not exist)", at: SourcePosition(file: hostFile),
          code: "unknown-host", notes: hostHint(host))
      }
      return nil
    }
    var reader = MappingReader(hostNode, what: "host '\(host)'", diagnostics: &diagnostics)
    let roles = reader.stringList("roles", diagnostics: &diagnostics) ?? []
    var layers: [Layer] = []
    var seenRoles: [String: SourcePosition] = [:]
    for role in roles {
      if let first = seenRoles[role.value] {
        diagnostics.error(
          "role '\(role.value)' is listed twice", at: role.position, code: "duplicate-role",
          notes: ["first listed at \(first)"])
        continue
      }
      seenRoles[role.value] = role.position
      guard Naming.isValidRoleName(role.value) else {
        diagnostics.error("'\(role.value.debugEscaped)' is not a valid role name", at: role.position, code: "role-name")
        continue
      }
      let file = "roles/\(role.value)/role.yaml"
      guard exists(file) else {
        diagnostics.error(
          "role '\(role.value)' does not exist (\(file) is missing)", at: role.position, code: "unknown-role")
        continue
      }
      guard let node = yaml(file, diagnostics: &diagnostics) else { continue }
      var roleReader = MappingReader(node, what: "role '\(role.value)'", diagnostics: &diagnostics)
      let sections = readSections(&roleReader, diagnostics: &diagnostics)
      roleReader.finish(diagnostics: &diagnostics)
      layers.append(
        Layer(kind: .role, name: role.value, directory: "roles/\(role.value)", file: file, sections: sections))
    }
    let hostSections = readSections(&reader, diagnostics: &diagnostics)
    reader.finish(diagnostics: &diagnostics)
    layers.append(Layer(kind: .host, name: host, directory: "hosts/\(host)", file: hostFile, sections: hostSections))
    let units = loadUnits(of: layers, diagnostics: &diagnostics)
    return HostDeclarations(host: host, layers: layers, units: units, tree: tree)
  }

  private func readSections(_ reader: inout MappingReader, diagnostics: inout Diagnostics) -> [String: YAMLNode] {
    var sections: [String: YAMLNode] = [:]
    for key in sectionKeys.sorted() {
      if let node = reader.node(key) { sections[key] = node }
    }
    return sections
  }

  private func checkFormat(diagnostics: inout Diagnostics) {
    let file = "reconcile.yaml"
    guard exists(file) else {
      diagnostics.error(
        "not a reconcile state repository: \(file) is missing", at: SourcePosition(file: file), code: "layout",
        notes: ["create it with the line 'format: \(Self.format)'"])
      return
    }
    guard let node = yaml(file, diagnostics: &diagnostics) else { return }
    var reader = MappingReader(node, what: "the repository settings", diagnostics: &diagnostics)
    if let format = reader.integer("format", in: 1...1000, required: true, diagnostics: &diagnostics),
      format.value != Int64(Self.format)
    {
      diagnostics.error(
        "repository format \(format.value) is not supported by this reconcile (it reads format \(Self.format))",
        at: format.position, code: "format")
    }
    reader.finish(diagnostics: &diagnostics)
  }

  private func loadUnits(of layers: [Layer], diagnostics: inout Diagnostics) -> [RepositoryUnit] {
    var units: [UnitName: RepositoryUnit] = [:]
    var dropInFolders: [(UnitName, String, String)] = []  // unit, folder path, layer label
    for layer in layers {
      let folder = "\(layer.directory)/units"
      guard let entries = list(folder, diagnostics: &diagnostics) else { continue }
      for entry in entries {
        let path = "\(folder)/\(entry.name)"
        if entry.kind == .directory && entry.name.hasSuffix(".d") {
          guard let unit = UnitName(String(entry.name.dropLast(2))) else {
            diagnostics.error(
              "drop-in folder '\(entry.name.debugEscaped)' is not named after a valid unit",
              at: SourcePosition(file: path), code: "unit-name")
            continue
          }
          dropInFolders.append((unit, path, layer.label))
          continue
        }
        guard refuseSpecial(entry, path: path, diagnostics: &diagnostics) else { continue }
        if let problem = UnitName.problem(with: entry.name) {
          diagnostics.error(problem, at: SourcePosition(file: path), code: "unit-name")
          continue
        }
        let name = UnitName(entry.name)!
        guard let (bytes, parsed) = unitFile(path, diagnostics: &diagnostics) else { continue }
        if let other = units[name] {
          diagnostics.error(
            "unit \(name) is shipped by both \(other.layer) and \(layer.label)", at: SourcePosition(file: path),
            code: "duplicate-resource", notes: ["also at \(other.path)"])
          continue
        }
        units[name] = RepositoryUnit(name: name, layer: layer.label, path: path, contents: bytes, parsed: parsed)
      }
    }
    for (unit, folder, layer) in dropInFolders {
      guard units[unit] != nil else {
        diagnostics.error(
          "drop-ins for \(unit), which no layer ships", at: SourcePosition(file: folder), code: "unknown-unit",
          notes: ["add the unit file to a units/ folder, or move the drop-ins to the layer that has it"])
        continue
      }
      // Found a folder in the listing of its parent: listing that again, once per drop-in
      // folder, was a fifth of loading a large repository.
      for entry in list(folder, knownFolder: true, diagnostics: &diagnostics) ?? [] {
        let path = "\(folder)/\(entry.name)"
        guard refuseSpecial(entry, path: path, diagnostics: &diagnostics) else { continue }
        guard Naming.isValidDropInName(entry.name) else {
          diagnostics.error(
            "drop-in '\(entry.name.debugEscaped)' must be a file name ending in .conf", at: SourcePosition(file: path),
            code: "drop-in-name")
          continue
        }
        if let existing = units[unit]!.dropIns.first(where: { $0.fileName == entry.name }) {
          diagnostics.error(
            "drop-in \(unit).d/\(entry.name) is shipped twice (\(layer))", at: SourcePosition(file: path),
            code: "duplicate-resource", notes: ["also at \(existing.path)"])
          continue
        }
        guard let (bytes, parsed) = unitFile(path, diagnostics: &diagnostics) else { continue }
        units[unit]!.dropIns.append(RepositoryDropIn(fileName: entry.name, path: path, contents: bytes, parsed: parsed))
      }
      units[unit]!.dropIns.sort { $0.fileName < $1.fileName }
    }
    // Moved out by sorted name: sorting the values copied every unit, its text and parsed file.
    var sorted: [RepositoryUnit] = []
    sorted.reserveCapacity(units.count)
    for name in units.keys.sorted() { sorted.append(units.removeValue(forKey: name)!) }
    return sorted
  }

  private func unitFile(_ path: String, diagnostics: inout Diagnostics) -> ([UInt8], UnitFile)? {
    guard let bytes = read(path, diagnostics: &diagnostics) else { return nil }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      diagnostics.error("unit file is not valid UTF-8", at: SourcePosition(file: path), code: "invalid-utf8")
      return nil
    }
    switch UnitFile.parse(text, file: path) {
    case .success(let parsed): return (bytes, parsed)
    case .failure(let error):
      diagnostics.error(
        error.message, at: SourcePosition(file: path, line: error.line, column: error.column), code: "unit-syntax")
      return nil
    }
  }

  /// Records an error for symlinks, submodules and other non-files; true for plain files.
  private func refuseSpecial(_ entry: TreeEntry, path: String, diagnostics: inout Diagnostics) -> Bool {
    switch entry.kind {
    case .file, .executable: return true
    case .symlink:
      diagnostics.error("symlinks are not allowed in the repository", at: SourcePosition(file: path), code: "symlink")
    case .submodule:
      diagnostics.error(
        "submodules are not allowed in the repository", at: SourcePosition(file: path), code: "submodule")
    case .directory:
      diagnostics.error("unexpected folder", at: SourcePosition(file: path), code: "layout")
    case .other:
      diagnostics.error("not a regular file", at: SourcePosition(file: path), code: "layout")
    }
    return false
  }

  /// Reads and parses a YAML file, with every problem recorded.
  public func yaml(_ path: String, diagnostics: inout Diagnostics) -> YAMLNode? {
    guard let entry = entry(at: path),
      refuseSpecial(entry, path: path, diagnostics: &diagnostics),
      let bytes = read(path, diagnostics: &diagnostics)
    else { return nil }
    return YAMLLoader.load(bytes, file: path, diagnostics: &diagnostics)
  }

  private func read(_ path: String, diagnostics: inout Diagnostics) -> [UInt8]? {
    do {
      return try tree.contents(of: path, limit: Self.fileSizeLimit)
    } catch {
      diagnostics.error("cannot read: \(error)", at: SourcePosition(file: path), code: "read")
      return nil
    }
  }

  private func exists(_ path: String) -> Bool { entry(at: path) != nil }

  /// The tree entry at `path`, nil when absent or unreadable.
  private func entry(at path: String) -> TreeEntry? {
    var parts = path.split(separator: "/").map(String.init)
    guard let name = parts.popLast() else { return nil }
    let entries = (try? tree.entries(of: parts.joined(separator: "/"))) ?? nil
    return entries?.first { $0.name == name }
  }

  /// The entries of `folder`; with `knownFolder`, the caller found it a folder in its parent's
  /// listing. (A tree that changes in between does not get past opening it: a folder is
  /// opened without following a symlink.)
  private func list(_ folder: String, knownFolder: Bool = false, diagnostics: inout Diagnostics) -> [TreeEntry]? {
    if !knownFolder, let entry = entry(at: folder), entry.kind != .directory {
      if entry.kind == .symlink || entry.kind == .submodule {
        _ = refuseSpecial(entry, path: folder, diagnostics: &diagnostics)
      } else {
        diagnostics.error("expected a folder", at: SourcePosition(file: folder), code: "layout")
      }
      return nil
    }
    do {
      return try tree.entries(of: folder)
    } catch {
      diagnostics.error("cannot list: \(error)", at: SourcePosition(file: folder), code: "read")
      return nil
    }
  }

  private func hostHint(_ host: String) -> [String] {
    var ignored = Diagnostics()
    let names = hostNames(diagnostics: &ignored)
    if let close = Spelling.closest(to: host, in: names) { return ["did you mean '\(close)'?"] }
    return names.isEmpty ? [] : ["hosts in the repository: \(names.joined(separator: ", "))"]
  }
}
