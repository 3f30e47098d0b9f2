extension ConfigStore {
    /// The store's state machine: what sources want (`desired`), what is in effect (`effective`), and
    /// why the difference (`rejected`). Pure: no locks, clocks or continuations.
    struct State {
        struct Desired {
            var origin: String
            var resource: MeshResource
            var errors: [ValidationError]
        }

        var desired: [ConfigKey: Desired] = [:]
        var effective: [ConfigKey: MeshResource] = [:]
        var rejected: [ConfigKey: [ValidationError]] = [:]
        var version: UInt64 = 0

        /// Replaces `origin`'s resources (of `kinds`, or all) with `resources`.
        mutating func replace(
            origin: String, kinds: Set<ConfigKind>?, with resources: [MeshResource], validator: ConfigValidator
        ) -> (changed: Set<ConfigKey>, errors: [ValidationError]) {
            let incoming = Set(resources.map(\.key))
            let stale = desired.filter { key, entry in
                entry.origin == origin && (kinds?.contains(key.kind) ?? true) && !incoming.contains(key)
            }.map(\.key)
            return apply(origin: origin, upserts: resources, deletes: stale, validator: validator)
        }

        /// Adds or updates `upserts` and removes `deletes`, then recomputes what is in effect.
        mutating func apply(
            origin: String, upserts: [MeshResource], deletes: [ConfigKey], validator: ConfigValidator
        ) -> (changed: Set<ConfigKey>, errors: [ValidationError]) {
            var touched = Set<ConfigKey>()
            for key in deletes where desired.removeValue(forKey: key) != nil { touched.insert(key) }
            for resource in upserts {
                touched.insert(resource.key)
                if let existing = desired[resource.key], existing.resource == resource, existing.origin == origin { continue }
                desired[resource.key] = Desired(origin: origin, resource: resource, errors: validator.validate(resource))
            }
            return recompute(touched: touched, domainSuffix: validator.domainSuffix)
        }

        /// Recomputes the effective set: each desired resource if valid, else its last valid version;
        /// then cross-resource checks over that candidate set.
        private mutating func recompute(touched: Set<ConfigKey>, domainSuffix: String) -> (changed: Set<ConfigKey>, errors: [ValidationError]) {
            var candidates: [ConfigKey: MeshResource] = [:]
            var newRejected: [ConfigKey: [ValidationError]] = [:]
            for (key, entry) in desired {
                if entry.errors.isEmpty {
                    candidates[key] = entry.resource
                } else {
                    newRejected[key] = entry.errors
                    if let previous = effective[key] { candidates[key] = previous }
                }
            }
            let checker = ReferenceChecker(domainSuffix: domainSuffix)
            let subsets = checker.subsetsByHost(candidates.values)
            for (key, candidate) in candidates where key.kind == .virtualService || key.kind == .metaRouter {
                let problems = checker.problems(of: candidate, subsetsByHost: subsets)
                guard !problems.isEmpty else { continue }
                newRejected[key, default: []] += problems
                if let previous = effective[key], previous != candidate,
                    checker.problems(of: previous, subsetsByHost: subsets).isEmpty
                {
                    candidates[key] = previous
                } else {
                    candidates[key] = nil
                }
            }
            var changed = Set<ConfigKey>()
            for key in Set(candidates.keys).union(effective.keys) {
                switch (effective[key], candidates[key]) {
                case (nil, nil): break
                case (let old?, let new?) where old.hasSameContent(as: new): break
                default: changed.insert(key)
                }
            }
            var errors: [ValidationError] = []
            for (key, problems) in newRejected.sorted(by: { $0.key < $1.key })
            where touched.contains(key) || rejected[key] != problems {
                errors += problems
            }
            effective = candidates
            rejected = newRejected
            if !changed.isEmpty { version += 1 }
            return (changed, errors)
        }
    }
}
