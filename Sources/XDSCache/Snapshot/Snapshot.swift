/// An immutable set of resources for one node (or the fallback), by type URL.
///
/// Snapshots hold references to shared `PreparedResource`s, never copies of their bytes.
package struct Snapshot: Sendable {
    /// The resources of each type.
    package let types: [String: TypeResources]
    /// An informational label chosen by the caller; never used to detect changes.
    package let label: String

    /// A snapshot of the given resources, grouped by their type URLs.
    package init(resources: [PreparedResource], label: String = "") {
        var byType: [String: [PreparedResource]] = [:]
        for resource in resources {
            byType[resource.typeURL, default: []].append(resource)
        }
        self.init(types: byType.mapValues { TypeResources($0) }, label: label)
    }

    /// A snapshot of ready-made per-type sets.
    package init(types: [String: TypeResources], label: String = "") {
        self.types = types
        self.label = label
    }

    /// The resources of `typeURL`; an empty set when the snapshot has none.
    package func resources(_ typeURL: String) -> TypeResources {
        types[typeURL] ?? TypeResources.empty
    }

    /// The content version of `typeURL`'s set.
    package func version(_ typeURL: String) -> String {
        resources(typeURL).version
    }

    /// A copy with one type's set replaced.
    package func replacing(_ typeURL: String, with resources: TypeResources) -> Snapshot {
        var types = self.types
        types[typeURL] = resources
        return Snapshot(types: types, label: label)
    }

    /// Every resource in the snapshot.
    package var allResources: [PreparedResource] {
        types.values.flatMap { $0.items.values }
    }
}

extension TypeResources {
    /// The empty set.
    package static let empty = TypeResources(items: [:])
}
