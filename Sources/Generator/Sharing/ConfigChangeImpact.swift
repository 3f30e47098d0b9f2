package import Mesh
internal import MeshAPI

/// What a batch of config changes means for generated resources: the ``Dependency`` values it
/// changed, and whether it changed nothing but endpoints (then the mesh index and every scope's
/// view are updated in place, and only load assignments are rebuilt).
package struct ConfigChangeImpact: Sendable, Hashable {
    /// The changed inputs.
    package var dependencies: Set<Dependency> = []
    /// The ServiceEntries whose endpoints changed (inline, or through a WorkloadEntry they select).
    package var endpointSources: Set<ConfigKey> = []
    /// Whether nothing but endpoints changed.
    package var endpointsOnly = true

    /// The impact of changing `keys` from `old` to `new`.
    package init(keys: Set<ConfigKey>, old: ConfigSnapshot, new: ConfigSnapshot) {
        var serviceEntries: [MeshResource]?
        for key in keys {
            let before = old[key]
            let after = new[key]
            switch key.kind {
            case .serviceEntry:
                endpointSources.insert(key)
                dependencies.insert(.endpoints(key))
                if !Self.differOnlyInEndpoints(before, after) {
                    dependencies.insert(.config(key))
                    endpointsOnly = false
                }
            case .workloadEntry:
                dependencies.insert(.config(key))
                let entries = serviceEntries ?? (old.resources(of: .serviceEntry) + new.resources(of: .serviceEntry))
                serviceEntries = entries
                for selecting in Self.serviceEntries(selecting: [before, after].compactMap { $0 }, among: entries) {
                    endpointSources.insert(selecting)
                    dependencies.insert(.endpoints(selecting))
                }
            default:
                dependencies.insert(.config(key))
                endpointsOnly = false
            }
        }
    }

    /// Whether two versions of a ServiceEntry differ in their endpoints alone (both must exist).
    static func differOnlyInEndpoints(_ old: MeshResource?, _ new: MeshResource?) -> Bool {
        guard let old, let new, case .serviceEntry(var a) = old.spec, case .serviceEntry(var b) = new.spec else { return false }
        a.endpoints = []
        b.endpoints = []
        return a == b && old.labels == new.labels && old.annotations == new.annotations && old.creationTime == new.creationTime
    }

    /// The ServiceEntries (of the WorkloadEntries' namespace) whose workload selector matches one of
    /// `workloadEntries`.
    static func serviceEntries(selecting workloadEntries: [MeshResource], among serviceEntries: [MeshResource]) -> Set<ConfigKey> {
        var keys = Set<ConfigKey>()
        for we in workloadEntries {
            guard case .workloadEntry(let entry) = we.spec else { continue }
            for resource in serviceEntries where resource.key.namespace == we.key.namespace {
                guard case .serviceEntry(let se) = resource.spec, se.hasWorkloadSelector,
                    se.workloadSelector.labels.allSatisfy({ entry.labels[$0.key] == $0.value })
                else { continue }
                keys.insert(resource.key)
            }
        }
        return keys
    }
}
