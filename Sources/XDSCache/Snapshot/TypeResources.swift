import Synchronization

private let nextTypeResourcesID = Atomic<UInt64>(1)

/// The resources of one type in a snapshot, by name, with a version derived from the whole set.
package struct TypeResources: Sendable {
    /// A process-unique id of this set value (shared by every snapshot that holds it), used to cache
    /// work done once per set rather than once per stream.
    package let id: UInt64
    /// The resources by name.
    package let items: [String: PreparedResource]
    /// The names, sorted.
    package let sortedNames: [String]
    /// The resources, sorted by name.
    package let sorted: [PreparedResource]
    /// A hash of every (name, version) pair: equal sets get equal versions everywhere.
    package let version: String
    /// Work derived from this set (encoded responses, diffs), kept exactly as long as the set.
    package let memo = SetMemo()

    /// A set of resources; a later resource with the same name replaces an earlier one.
    package init(_ resources: [PreparedResource]) {
        var items: [String: PreparedResource] = [:]
        items.reserveCapacity(resources.count)
        for resource in resources {
            items[resource.name] = resource
        }
        self.init(items: items)
    }

    /// A set of resources keyed by name.
    package init(items: [String: PreparedResource]) {
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
    package var count: Int { items.count }

    /// The resource named `name`, if any.
    package subscript(name: String) -> PreparedResource? { items[name] }

    /// A copy with `resource` added or replaced.
    package func replacing(_ resource: PreparedResource) -> TypeResources {
        merging([resource])
    }

    /// A copy with `resources` added (replacing those of the same names).
    package func merging(_ resources: [PreparedResource]) -> TypeResources {
        guard !resources.isEmpty else { return self }
        var items = self.items
        for resource in resources { items[resource.name] = resource }
        return TypeResources(items: items)
    }

    /// `previous` itself when it holds exactly `resources` (the same objects), else a new set: so a
    /// rebuild that changed nothing keeps the set's identity, its version and its encodings.
    package static func reusing(_ previous: TypeResources?, for resources: [PreparedResource]) -> TypeResources {
        if let previous, previous.count == resources.count, resources.allSatisfy({ previous[$0.name] === $0 }) {
            return previous
        }
        return TypeResources(resources)
    }
}

/// Values derived from one ``TypeResources`` (its encoded responses, its diffs from other sets),
/// computed once and shared by every stream that is sent the set; they live as long as the set.
package final class SetMemo: Sendable {
    private let values = Mutex<[String: any Sendable]>([:])
    private let diffs = Mutex<[(old: UInt64, diff: TypeResourcesDiff)]>([])

    /// How many diffs a set keeps (streams move from a handful of older sets to a new one).
    private static let diffLimit = 8

    init() {}

    /// The value stored under `key`, made by `make` the first time.
    package func value<Value: Sendable>(_ key: String, make: () -> Value) -> Value {
        if let cached = values.withLock({ $0[key] }) as? Value { return cached }
        let made = make()
        return values.withLock { values in
            if let raced = values[key] as? Value { return raced }
            values[key] = made
            return made
        }
    }

    /// The diff from the set with id `old`, made by `make` the first time.
    func diff(from old: UInt64, make: () -> TypeResourcesDiff) -> TypeResourcesDiff {
        if let cached = diffs.withLock({ $0.first { $0.old == old }?.diff }) { return cached }
        let made = make()
        diffs.withLock { diffs in
            if diffs.count >= Self.diffLimit { diffs.removeFirst() }
            diffs.append((old, made))
        }
        return made
    }
}
