/// What changed between two sets of one type: computed once per pair of sets and shared by every
/// stream that moves from one to the other.
package struct TypeResourcesDiff: Sendable {
    /// Resources in the new set only.
    package var added: [PreparedResource] = []
    /// Resources in both whose version changed (the new resource).
    package var changed: [PreparedResource] = []
    /// Names in the old set only.
    package var removed: [String] = []

    /// Whether nothing changed.
    package var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

    /// The diff from `old` to `new`.
    package init(from old: TypeResources, to new: TypeResources) {
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
    /// The diff from `old` to this set, computed once and kept with this set.
    package func diff(from old: TypeResources) -> TypeResourcesDiff {
        memo.diff(from: old.id) { TypeResourcesDiff(from: old, to: self) }
    }
}
