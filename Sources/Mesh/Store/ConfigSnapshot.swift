/// An immutable view of the config in effect: the latest valid version of every resource.
package struct ConfigSnapshot: Sendable {
    /// Increases with every change the store applies.
    package let version: UInt64
    /// Every resource by key.
    package let resources: [ConfigKey: MeshResource]

    /// A snapshot of `resources`.
    package init(version: UInt64 = 0, resources: [ConfigKey: MeshResource]) {
        self.version = version
        self.resources = resources
    }

    /// A snapshot of a list of resources (later duplicates win).
    package init(_ resources: [MeshResource]) {
        self.init(resources: Dictionary(resources.map { ($0.key, $0) }, uniquingKeysWith: { $1 }))
    }

    /// The resource with `key`, if any.
    package subscript(key: ConfigKey) -> MeshResource? { resources[key] }

    /// The resources of `kind`, sorted by namespace and name.
    package func resources(of kind: ConfigKind) -> [MeshResource] {
        resources.values.filter { $0.key.kind == kind }.sorted { $0.key < $1.key }
    }

    /// Number of resources.
    package var count: Int { resources.count }
}
