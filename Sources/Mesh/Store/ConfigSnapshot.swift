/// An immutable view of the config in effect: the latest valid version of every resource.
public struct ConfigSnapshot: Sendable {
    /// Increases with every change the store applies.
    public let version: UInt64
    /// Every resource by key.
    public let resources: [ConfigKey: MeshResource]

    /// A snapshot of `resources`.
    public init(version: UInt64 = 0, resources: [ConfigKey: MeshResource]) {
        self.version = version
        self.resources = resources
    }

    /// A snapshot of a list of resources (later duplicates win).
    public init(_ resources: [MeshResource]) {
        self.init(resources: Dictionary(resources.map { ($0.key, $0) }, uniquingKeysWith: { $1 }))
    }

    /// The resource with `key`, if any.
    public subscript(key: ConfigKey) -> MeshResource? { resources[key] }

    /// The resources of `kind`, sorted by namespace and name.
    public func resources(of kind: ConfigKind) -> [MeshResource] {
        resources.values.filter { $0.key.kind == kind }.sorted { $0.key < $1.key }
    }

    /// Number of resources.
    public var count: Int { resources.count }
}
