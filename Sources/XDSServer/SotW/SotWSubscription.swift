import XDSCache

/// What a SotW client subscribes to for one type: names, explicit wildcard, legacy wildcard.
///
/// Rules (xDS spec): before the client ever names a resource, an empty list means wildcard
/// (legacy); `*` is an explicit wildcard; once any name has been sent an empty list means nothing.
struct SotWSubscription: Sendable, Equatable {
    /// Whether the client has never sent a non-empty list (legacy wildcard still possible).
    private(set) var legacy: Bool
    /// Whether the client is subscribed to every resource of the type.
    private(set) var wildcard: Bool
    /// The explicitly named resources (without `*`), shared with streams naming the same ones.
    private var shared: SharedNameSet?

    /// The explicitly named resources (without `*`).
    var names: Set<String> { shared?.names ?? [] }

    /// A fresh subscription; `legacyWildcard: false` makes an empty list mean nothing.
    init(legacyWildcard: Bool) {
        legacy = legacyWildcard
        wildcard = legacyWildcard
    }

    /// A hash of the last request's list, to skip rebuilding the set when a request repeats it.
    private var lastKey: UInt64?

    /// Applies the full list from a request; returns whether the subscription changed.
    @discardableResult
    mutating func update(_ requested: [String]) -> Bool {
        update(key: NamesKey(requested).value, isEmpty: requested.isEmpty) { requested }
    }

    /// Applies a request's list, identified by `key` (a hash of the names); `requested` is only
    /// called when the list differs from the previous one.
    mutating func update(key: UInt64, isEmpty: Bool, _ requested: () -> [String]) -> Bool {
        if legacy && isEmpty { return false }
        if !legacy && key == lastKey { return false }
        legacy = false
        lastKey = key
        var names = Set(requested())
        let wildcard = names.remove("*") != nil
        guard wildcard != self.wildcard || names != self.names else { return false }
        self.wildcard = wildcard
        self.shared = names.isEmpty ? nil : SharedNameSet.intern(names, key: key)
        return true
    }

    static func == (a: SotWSubscription, b: SotWSubscription) -> Bool {
        a.legacy == b.legacy && a.wildcard == b.wildcard && a.names == b.names
    }

    /// Whether `name` is covered.
    func covers(_ name: String) -> Bool {
        wildcard || shared?.names.contains(name) == true
    }

    /// The names of `available` that are covered, sorted.
    func coveredNames(in available: [String]) -> [String] {
        guard !wildcard else { return available }
        guard let names = shared?.names else { return [] }
        return available.filter { names.contains($0) }
    }
}
