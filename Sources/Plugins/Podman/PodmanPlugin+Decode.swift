import Core

extension PodmanPlugin {
  public func decode(
    _ declarations: HostDeclarations, contributions: inout Contributions,
    diagnostics: inout Diagnostics
  ) -> DesiredPodman {
    var desired = DesiredPodman()
    desired.settings = decodeSettings(declarations, diagnostics: &diagnostics)
    var seen: [String: (position: SourcePosition, layer: String)] = [:]
    for (layer, node) in declarations.sections("containers") {
      let section = MappingReader(
        node, what: "containers of \(layer.label)", diagnostics: &diagnostics)
      for (key, value) in section.entries {
        if let other = seen[key.value] {
          diagnostics.error(
            "container '\(key.value.debugEscaped)' is declared by both \(other.layer) and "
              + "\(layer.label)",
            at: key.position, code: "duplicate-resource",
            notes: ["also declared at \(other.position)"])
          continue
        }
        seen[key.value] = (key.position, layer.label)
        let reader = ContainerReader(
          key: key, node: value, layer: layer, declarations: declarations)
        guard let container = reader.read(diagnostics: &diagnostics) else { continue }
        if let archive = container.archive {
          archives.keep(archive, in: declarations.tree)
        }
        desired.containers.append(container)
      }
    }
    desired.containers.sort { $0.name < $1.name }
    for container in desired.containers {
      contributions.accounts.append(
        AccountRequirement(
          user: container.user, subordinateIDs: true, linger: true,
          origin: "container '\(container.name)'",
          position: container.position))
      contributions.units += ContainerUnit(container).generatedUnits
    }
    return desired
  }

  /// Reads `podman:` (host-wide settings); at most one layer may set each.
  private func decodeSettings(_ declarations: HostDeclarations, diagnostics: inout Diagnostics)
    -> PodmanSettings
  {
    var settings = PodmanSettings(
      runtime: nil, keyring: nil, adoptConfiguration: false, position: nil)
    var declaredBy: String?
    for (layer, node) in declarations.sections("podman") {
      var fields = MappingReader(
        node, what: "podman settings of \(layer.label)", diagnostics: &diagnostics)
      let runtime = fields.string("runtime", diagnostics: &diagnostics)
      let keyring = fields.bool("keyring", diagnostics: &diagnostics)
      let adopt = fields.bool("adopt-containers-conf", diagnostics: &diagnostics)
      fields.finish(diagnostics: &diagnostics)
      if let declaredBy {
        diagnostics.error(
          "podman settings are declared by both \(declaredBy) and \(layer.label)",
          at: node.position,
          code: "duplicate-resource", notes: ["declare them once, in the host file"])
        continue
      }
      declaredBy = layer.label
      if let runtime {
        if ["crun", "runc"].contains(runtime.value) {
          settings.runtime = runtime.value
        } else {
          diagnostics.error(
            "runtime '\(runtime.value.debugEscaped)' is not an OCI runtime podman knows here; "
              + "use crun (or runc)",
            at: runtime.position, code: "podman-runtime")
        }
      }
      settings.keyring = keyring?.value
      settings.adoptConfiguration = adopt?.value ?? false
      if keyring != nil && runtime == nil {
        diagnostics.error(
          "podman settings of \(layer.label) set keyring but no runtime; containers.conf is "
            + "written with both",
          at: node.position, code: "podman-runtime", notes: ["add runtime: crun"])
      }
      settings.position = node.position
    }
    return settings
  }
}
