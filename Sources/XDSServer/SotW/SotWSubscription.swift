/// What a SotW client subscribes to for one type: names, explicit wildcard, legacy wildcard.
///
/// Rules (xDS spec): before the client ever names a resource, an empty list means wildcard
/// (legacy); `*` is an explicit wildcard; once any name has been sent an empty list means nothing.
struct SotWSubscription: Sendable, Equatable {
    /// Whether the client has never sent a non-empty list (legacy wildcard still possible).
    private(set) var legacy: Bool
    /// Whether the client is subscribed to every resource of the type.
    private(set) var wildcard: Bool
    /// The explicitly named resources (without `*`).
    private(set) var names: Set<String> = []

    /// A fresh subscription; `legacyWildcard: false` makes an empty list mean nothing.
    init(legacyWildcard: Bool) {
        legacy = legacyWildcard
        wildcard = legacyWildcard
    }

    /// The list of the last request, to skip rebuilding the set when a request repeats it.
    private var lastRequested: [String] = []

    /// Applies the full list from a request; returns whether the subscription changed.
    @discardableResult
    mutating func update(_ requested: [String]) -> Bool {
        if legacy && requested.isEmpty { return false }
        if !legacy && requested == lastRequested { return false }
        legacy = false
        lastRequested = requested
        var names = Set(requested)
        let wildcard = names.remove("*") != nil
        guard wildcard != self.wildcard || names != self.names else { return false }
        self.wildcard = wildcard
        self.names = names
        return true
    }

    /// Whether `name` is covered.
    func covers(_ name: String) -> Bool {
        wildcard || names.contains(name)
    }

    /// The names of `available` that are covered, sorted.
    func coveredNames(in available: [String]) -> [String] {
        wildcard ? available : available.filter { names.contains($0) }
    }
}
