internal import EnvoyAPI
internal import Protocols
internal import XDSCache

/// The bookkeeping of one build: diagnostics, and the cache entries used (reused or built), with
/// the prepared resources they carry.
struct BuildState {
    let cache: GenerationCache?
    var diagnostics: [String] = []
    var reusable: [String: PreparedResource] = [:]
    private var clusters: [GenerationCache.ClusterKey: GenerationCache.ClusterEntry] = [:]
    private var listeners: [GenerationCache.ListenerKey: GenerationCache.ListenerEntry] = [:]
    private var hits = 0
    private var misses = 0

    init(cache: GenerationCache?) {
        self.cache = cache
    }

    /// The clusters of one service port: from the cache, or built (and prepared when caching).
    mutating func cluster(_ key: GenerationCache.ClusterKey, build: () -> ([ClusterBuilder.Output], [String])) -> GenerationCache.ClusterEntry {
        guard let cache else {
            let (outputs, diagnostics) = build()
            self.diagnostics += diagnostics
            return GenerationCache.ClusterEntry(outputs: outputs, prepared: [], diagnostics: diagnostics)
        }
        let entry: GenerationCache.ClusterEntry
        if let hit = clusters[key] ?? cache.lookup(key) {
            hits += 1
            entry = hit
        } else {
            misses += 1
            let (outputs, diagnostics) = build()
            var prepared: [PreparedResource] = []
            for output in outputs {
                if let resource = try? PreparedResource(output.cluster) { prepared.append(resource) }
                if let assignment = output.assignment, let resource = try? PreparedResource(assignment) { prepared.append(resource) }
            }
            entry = GenerationCache.ClusterEntry(outputs: outputs, prepared: prepared, diagnostics: diagnostics)
        }
        clusters[key] = entry
        diagnostics += entry.diagnostics
        for resource in entry.prepared { reusable[GeneratedConfig.reuseKey(resource.typeURL, resource.name)] = resource }
        return entry
    }

    /// One outbound listener: from the cache, or built (and prepared when caching); nil when none.
    mutating func listener(
        _ key: GenerationCache.ListenerKey,
        build: () -> (Envoy_Config_Listener_V3_Listener, PluginOutput, [String])?
    ) -> GenerationCache.ListenerEntry? {
        if let cache, let hit = listeners[key] ?? cache.lookup(key) {
            hits += 1
            listeners[key] = hit
            diagnostics += hit.diagnostics
            reusable[GeneratedConfig.reuseKey(hit.prepared.typeURL, hit.prepared.name)] = hit.prepared
            return hit
        }
        guard let (listener, output, diagnostics) = build() else { return nil }
        self.diagnostics += diagnostics
        guard cache != nil, let prepared = try? PreparedResource(listener) else {
            // Without a cache nothing is kept; the snapshot prepares the listener itself.
            return GenerationCache.ListenerEntry(listener: listener, output: output, prepared: Self.placeholder, diagnostics: diagnostics)
        }
        misses += 1
        let entry = GenerationCache.ListenerEntry(listener: listener, output: output, prepared: prepared, diagnostics: diagnostics)
        listeners[key] = entry
        reusable[GeneratedConfig.reuseKey(prepared.typeURL, prepared.name)] = prepared
        return entry
    }

    private static let placeholder = PreparedResource(typeURL: "", name: "", bytes: [])

    /// Stores what this build used as the cache's new contents.
    func finish() {
        cache?.replace(clusters: clusters, listeners: listeners, hits: hits, misses: misses)
    }
}
