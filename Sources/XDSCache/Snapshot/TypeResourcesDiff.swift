import Synchronization

/// What changed between two sets of one type: computed once per pair of sets and shared by every
/// stream that moves from one to the other.
public struct TypeResourcesDiff: Sendable {
    /// Resources in the new set only.
    public var added: [PreparedResource] = []
    /// Resources in both whose version changed (the new resource).
    public var changed: [PreparedResource] = []
    /// Names in the old set only.
    public var removed: [String] = []

    /// Whether nothing changed.
    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

    /// The diff from `old` to `new`.
    public init(from old: TypeResources, to new: TypeResources) {
        for resource in new.sorted {
            if let previous = old[resource.name] {
                if previous !== resource && previous.version != resource.version { changed.append(resource) }
            } else {
                added.append(resource)
            }
        }
        for name in old.sortedNames where new[name] == nil {
            removed.append(name)
        }
    }
}

extension TypeResources {
    private static let diffCache = Mutex<[DiffKey: TypeResourcesDiff]>([:])

    private struct DiffKey: Hashable {
        var old: UInt64
        var new: UInt64
    }

    /// The diff from `old` to this set, cached for the most recent pairs.
    public func diff(from old: TypeResources) -> TypeResourcesDiff {
        let key = DiffKey(old: old.id, new: id)
        if let cached = Self.diffCache.withLock({ $0[key] }) { return cached }
        let diff = TypeResourcesDiff(from: old, to: self)
        Self.diffCache.withLock { cache in
            if cache.count >= 64 { cache.removeAll(keepingCapacity: true) }
            cache[key] = diff
        }
        return diff
    }
}
