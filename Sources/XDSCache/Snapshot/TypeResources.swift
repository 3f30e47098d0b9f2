import Synchronization

private let nextTypeResourcesID = Atomic<UInt64>(1)

/// The resources of one type in a snapshot, by name, with a version derived from the whole set.
public struct TypeResources: Sendable {
    /// A process-unique id of this set value (shared by every snapshot that holds it), used to cache
    /// work done once per set rather than once per stream.
    public let id: UInt64
    /// The resources by name.
    public let items: [String: PreparedResource]
    /// The names, sorted.
    public let sortedNames: [String]
    /// The resources, sorted by name.
    public let sorted: [PreparedResource]
    /// A hash of every (name, version) pair: equal sets get equal versions everywhere.
    public let version: String

    /// A set of resources; a later resource with the same name replaces an earlier one.
    public init(_ resources: [PreparedResource]) {
        var items: [String: PreparedResource] = [:]
        items.reserveCapacity(resources.count)
        for resource in resources {
            items[resource.name] = resource
        }
        self.init(items: items)
    }

    /// A set of resources keyed by name.
    public init(items: [String: PreparedResource]) {
        self.id = nextTypeResourcesID.add(1, ordering: .relaxed).oldValue
        self.items = items
        self.sortedNames = items.keys.sorted()
        self.sorted = sortedNames.map { items[$0]! }
        var hash = ContentHash()
        for name in sortedNames {
            hash.combine(string: name)
            hash.combine(string: items[name]!.version)
        }
        self.version = hash.hex
    }

    /// The number of resources.
    public var count: Int { items.count }

    /// The resource named `name`, if any.
    public subscript(name: String) -> PreparedResource? { items[name] }

    /// A copy with `resource` added or replaced.
    public func replacing(_ resource: PreparedResource) -> TypeResources {
        var items = self.items
        items[resource.name] = resource
        return TypeResources(items: items)
    }
}
