package import Mesh
package import Protocols
internal import Synchronization
package import XDSCache

/// Generates proxies' snapshots from shared parts: resources are built once per distinct input
/// (``ResourceTable``), outbound configuration once per scope (``ScopeKey``), inbound configuration
/// once per workload, and proxies with equal parts hold the very same snapshot.
///
/// Use: ``update(index:changes:)`` with each new mesh index and what changed, then
/// ``snapshots(for:)`` for the proxies to serve, then ``retain(_:)`` with every connected proxy so
/// what no proxy uses any more is dropped. An unchanged scope keeps its type sets (same objects,
/// same versions), so nothing is pushed to its proxies; a changed one gets new sets that share every
/// unchanged resource with the old ones.
package final class SharedGenerator: Sendable {
    /// What the generator holds, for tests, benchmarks and logs.
    package struct Statistics: Sendable, Hashable {
        /// Scopes built and kept.
        package var scopes: Int
        /// Distinct (scope, workload) snapshots kept.
        package var snapshots: Int
        /// Entries in the resource table.
        package var tableEntries: Int
        /// Table entries built since the generator was made (every other use was a shared hit).
        package var builds: Int
    }

    /// A built scope: its view of the mesh and its outbound sets.
    private struct Scope: Sendable {
        var view: ProxyView
        var sets: [String: TypeResources]
        var diagnostics: [Diagnostic]
        /// Increases whenever `sets` change, so combined snapshots know they are stale.
        var revision: UInt64
        var stale = false
    }

    private struct CombinedKey: Hashable {
        var scope: ScopeKey
        var scopeRevision: UInt64
        var inbound: [ObjectIdentifier]
    }

    /// A scope's set of one type with a workload's resources of that type added.
    private struct MergeKey: Hashable {
        var base: UInt64
        var added: [ObjectIdentifier]
    }

    private struct Combined: Sendable {
        var snapshot: Snapshot
        var diagnostics: [Diagnostic]
    }

    private struct State: Sendable {
        var index: MeshIndex?
        /// Whether the latest update changed only endpoints (scopes keep their views).
        var endpointsOnly = false
        /// With `endpointsOnly`: the ServiceEntries whose endpoints changed.
        var endpointSources: Set<ConfigKey> = []
        var scopes: [ScopeKey: Scope] = [:]
        var combined: [CombinedKey: Combined] = [:]
        var merged: [MergeKey: TypeResources] = [:]
        var nextRevision: UInt64 = 1
    }

    /// The protocol plugins.
    package let registry: PluginRegistry
    /// Mesh-wide options.
    package let options: GeneratorOptions
    private let table = ResourceTable()
    private let state = Mutex(State())

    /// A generator using `registry`'s plugins.
    package init(registry: PluginRegistry = .standard, options: GeneratorOptions = .defaults) {
        self.registry = registry
        self.options = options
    }

    /// Moves to `index`. `changes` are the inputs that changed since the previous index; nil means
    /// unknown, and everything is rebuilt. `endpointsOnly` says the change touched nothing but
    /// endpoints, so scopes keep their views (visible services and rules) and only load assignments
    /// are rebuilt.
    package func update(index: MeshIndex, changes: Set<Dependency>?, endpointsOnly: Bool = false) {
        if let changes { table.invalidate(changes) } else { table.removeAll() }
        state.withLock { state in
            state.endpointsOnly = endpointsOnly && changes != nil && state.index != nil
            state.endpointSources = Set((changes ?? []).compactMap { if case .endpoints(let key) = $0 { key } else { nil } })
            state.index = index
            for key in state.scopes.keys { state.scopes[key]?.stale = true }
        }
    }

    /// The snapshot of each proxy, in order; a proxy whose generation fails gets the error.
    package func snapshots(for proxies: [ProxyIdentity]) -> [Result<Snapshot, any Error>] {
        generated(for: proxies).map { $0.map(\.snapshot) }
    }

    /// The snapshot of each proxy with the diagnostics of its generation, in order.
    package func generated(for proxies: [ProxyIdentity]) -> [Result<(snapshot: Snapshot, diagnostics: [Diagnostic]), any Error>] {
        guard let (index, endpointSources) = state.withLock({ state in
            state.index.map { ($0, state.endpointsOnly ? state.endpointSources : nil) }
        }) else {
            return proxies.map { _ in .failure(GenerationError.noIndex) }
        }
        let scopeKeys = proxies.map { ScopeKey($0, index: index) }
        let builder = ScopeBuilder(table: table, registry: registry, options: options, index: index)
        let scopes = buildScopes(scopeKeys: scopeKeys, proxies: proxies, builder: builder, endpointSources: endpointSources)
        return zip(proxies, scopeKeys).map { proxy, scopeKey in
            Result {
                let scope = try scopes[scopeKey]!.get()
                return try combine(proxy, scopeKey: scopeKey, scope: scope, builder: builder)
            }
        }
    }

    /// Drops the scopes and snapshots none of `proxies` uses, and the table entries no kept scope
    /// asked for since the last ``update(index:changes:endpointsOnly:)``.
    ///
    /// After an endpoints-only update the table is not swept: scopes updated in place looked up
    /// only their load assignments, yet still hold every other entry they were built from, and the
    /// replaced assignments are already gone (``ResourceTable/invalidate(_:)``). Entries of scopes
    /// dropped meanwhile go at the next sweep.
    package func retain(_ proxies: [ProxyIdentity]) {
        let sweep = state.withLock { state -> Bool in
            guard let index = state.index else { return false }
            let used = Set(proxies.map { ScopeKey($0, index: index) })
            state.scopes = state.scopes.filter { used.contains($0.key) && !$0.value.stale }
            state.combined = state.combined.filter { state.scopes[$0.key.scope]?.revision == $0.key.scopeRevision }
            var served = Set<UInt64>()
            for combined in state.combined.values { for set in combined.snapshot.types.values { served.insert(set.id) } }
            state.merged = state.merged.filter { served.contains($0.value.id) }
            return !state.endpointsOnly
        }
        if sweep { table.sweep() }
        table.startGeneration()
    }

    /// What the generator holds now.
    package var statistics: Statistics {
        let (scopes, snapshots) = state.withLock { ($0.scopes.count, $0.combined.count) }
        return Statistics(scopes: scopes, snapshots: snapshots, tableEntries: table.count, builds: table.builds)
    }

    /// Builds (in parallel) every scope of `scopeKeys` that is missing or stale.
    private func buildScopes(
        scopeKeys: [ScopeKey], proxies: [ProxyIdentity], builder: ScopeBuilder, endpointSources: Set<ConfigKey>?
    ) -> [ScopeKey: Result<Scope, any Error>] {
        var representatives: [ScopeKey: ProxyIdentity] = [:]
        for (key, proxy) in zip(scopeKeys, proxies) where representatives[key] == nil { representatives[key] = proxy }
        var results: [ScopeKey: Result<Scope, any Error>] = [:]
        var toBuild: [(key: ScopeKey, proxy: ProxyIdentity, previous: Scope?)] = []
        state.withLock { state in
            for (key, proxy) in representatives {
                if let scope = state.scopes[key], !scope.stale { results[key] = .success(scope) } else {
                    toBuild.append((key, proxy, state.scopes[key]))
                }
            }
        }
        let build = { (item: (key: ScopeKey, proxy: ProxyIdentity, previous: Scope?)) -> Result<Scope, any Error> in
            Result {
                if let endpointSources, let previous = item.previous,
                    let updated = try Self.updatingAssignments(previous, sources: endpointSources, builder: builder)
                {
                    return updated
                }
                let view = ProxyView(index: builder.index, proxy: item.proxy, options: self.options)
                let outbound = try builder.outbound(view, scope: item.key)
                return Self.scope(view: view, outbound: outbound, previous: item.previous)
            }
        }
        let workers = min(ParallelMap.workers, toBuild.count)
        let built = workers > 1 ? ParallelMap.map(toBuild, workers: workers, build) : toBuild.map(build)
        state.withLock { state in
            for (item, result) in zip(toBuild, built) {
                guard case .success(var scope) = result else {
                    results[item.key] = result
                    continue
                }
                if scope.revision == 0 {
                    scope.revision = state.nextRevision
                    state.nextRevision += 1
                }
                state.scopes[item.key] = scope
                results[item.key] = .success(scope)
            }
        }
        return results
    }

    /// `previous` with the load assignments of the services of `sources` rebuilt (their endpoints
    /// alone changed; its view, clusters and listeners stay); nil when that needs a full build.
    private static func updatingAssignments(_ previous: Scope, sources: Set<ConfigKey>, builder: ScopeBuilder) throws -> Scope? {
        let entries = previous.view.entries.filter { sources.contains($0.service.source) }
        guard let assignments = try builder.assignments(of: entries, clusters: previous.sets[TypeURL.cluster] ?? .empty) else { return nil }
        var scope = previous
        scope.stale = false
        let current = previous.sets[TypeURL.endpoint] ?? .empty
        let replaced = assignments.filter { current[$0.name] !== $0 }
        guard !replaced.isEmpty else { return scope }
        scope.sets[TypeURL.endpoint] = current.merging(replaced)
        scope.revision = 0
        return scope
    }

    /// A scope from its outbound resources, keeping `previous`'s sets (and revision) where unchanged.
    private static func scope(view: ProxyView, outbound: ScopeBuilder.Outbound, previous: Scope?) -> Scope {
        var sets: [String: TypeResources] = [:]
        let byType = [(TypeURL.cluster, outbound.clusters), (TypeURL.endpoint, outbound.assignments), (TypeURL.listener, outbound.listeners)]
            + Dictionary(grouping: outbound.routes, by: \.typeURL).map { ($0.key, $0.value) }
        for (typeURL, resources) in byType where !resources.isEmpty {
            sets[typeURL] = TypeResources.reusing(previous?.sets[typeURL], for: resources)
        }
        let unchanged = previous.map { old in
            old.sets.count == sets.count && sets.allSatisfy { old.sets[$0.key]?.id == $0.value.id }
        } ?? false
        return Scope(
            view: view, sets: sets, diagnostics: outbound.diagnostics,
            revision: unchanged ? previous!.revision : 0
        )
    }

    /// The snapshot of `proxy`: its scope's sets plus its workload's inbound resources, shared by
    /// every proxy with the same scope and workload.
    private func combine(
        _ proxy: ProxyIdentity, scopeKey: ScopeKey, scope: Scope, builder: ScopeBuilder
    ) throws -> (snapshot: Snapshot, diagnostics: [Diagnostic]) {
        let own = scope.view.ownServices(of: proxy, index: builder.index)
        let inbound = try builder.inbound(own, view: scope.view, proxy: proxy, scope: scopeKey)
        let key = CombinedKey(scope: scopeKey, scopeRevision: scope.revision, inbound: inbound.resources.map { ObjectIdentifier($0) })
        if let combined = state.withLock({ $0.combined[key] }) { return (combined.snapshot, combined.diagnostics) }
        var types = scope.sets
        for (typeURL, resources) in Dictionary(grouping: inbound.resources, by: \.typeURL) {
            let base = types[typeURL] ?? .empty
            let mergeKey = MergeKey(base: base.id, added: resources.map { ObjectIdentifier($0) })
            if let merged = state.withLock({ $0.merged[mergeKey] }) {
                types[typeURL] = merged
                continue
            }
            let merged = base.merging(resources)
            types[typeURL] = state.withLock { state in
                if let raced = state.merged[mergeKey] { return raced }
                state.merged[mergeKey] = merged
                return merged
            }
        }
        let combined = Combined(
            snapshot: Snapshot(types: types, label: scopeKey.description),
            diagnostics: Array(Set(scope.diagnostics + inbound.diagnostics)).sorted()
        )
        let stored = state.withLock { state in
            if let raced = state.combined[key] { return raced }
            state.combined[key] = combined
            return combined
        }
        return (stored.snapshot, stored.diagnostics)
    }
}

/// Why a snapshot could not be generated.
package enum GenerationError: Error, Sendable, CustomStringConvertible {
    /// ``SharedGenerator/update(index:changes:endpointsOnly:)`` was never called.
    case noIndex

    package var description: String {
        switch self {
        case .noIndex: "no mesh index yet"
        }
    }
}
