package import Admin
internal import Generator
package import Logging
package import Mesh
internal import Protocols
internal import ServiceLifecycle
import Synchronization
package import XDSCache

/// The change → rebuild → push loop.
///
/// Waits for debounced config change batches and for newly connected proxies. On a batch it works
/// out what changed (``ConfigChangeImpact``), updates the mesh index (in place when only endpoints
/// changed), tells the generator which inputs changed — it rebuilds exactly the resources built
/// from them, once for all proxies that share them — and hands the cache only the snapshots whose
/// content changed; the xDS server then pushes only the types (and, in delta, the resources) that
/// changed. A proxy whose generation fails keeps its last good snapshot. A newly connected proxy is
/// served at once from the shared parts of the current index.
package final class PushLoop: Service, Sendable {
    private let store: ConfigStore
    private let registry: ProxyRegistry
    private let cache: SnapshotCache
    private let generator: any SnapshotGenerating
    private let metrics: AerakiMetrics
    private let problems: ConfigProblems
    private let diagnostics: GenerationDiagnostics
    private let options: MeshIndex.Options
    private let debounce: DebounceConfiguration
    private let onConfigApplied: @Sendable (UInt64) -> Void
    private let isReady: @Sendable () -> Bool
    private let onRoundDone: @Sendable () -> Void
    private let pending = PendingWork()
    private let executor = GenerationExecutor(label: "io.aeraki.server.push")
    private let logger: Logger
    private let currentIndex: Mutex<MeshIndex?> = Mutex(nil)

    /// A loop feeding `cache` from `store` for the proxies in `registry`.
    package init(
        store: ConfigStore, registry: ProxyRegistry, cache: SnapshotCache, generator: any SnapshotGenerating,
        metrics: AerakiMetrics, problems: ConfigProblems, diagnostics: GenerationDiagnostics = GenerationDiagnostics(),
        options: MeshIndex.Options = .defaults,
        debounce: DebounceConfiguration = .defaults, onConfigApplied: @escaping @Sendable (UInt64) -> Void = { _ in },
        isReady: @escaping @Sendable () -> Bool = { true }, onRoundDone: @escaping @Sendable () -> Void = {},
        logger: Logger = Logger(label: "io.aeraki.server.push")
    ) {
        self.onRoundDone = onRoundDone
        self.store = store
        self.registry = registry
        self.cache = cache
        self.generator = generator
        self.metrics = metrics
        self.problems = problems
        self.diagnostics = diagnostics
        self.options = options
        self.debounce = debounce
        self.onConfigApplied = onConfigApplied
        self.isReady = isReady
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation. Generation runs on the loop's own executor,
    /// off the cooperative pool; work that piles up while it runs is merged (``PendingWork``).
    package func run() async throws {
        let pending = self.pending
        let registry = self.registry
        let store = self.store
        let debounce = self.debounce
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    // Subscribe before reading the first snapshot, so no change is missed in between.
                    var changes = store.changes(debounce: debounce).makeAsyncIterator()
                    pending.add(ConfigChangeBatch(keys: [], snapshot: store.snapshot()))
                    while let batch = await changes.next() { pending.add(batch) }
                }
                group.addTask {
                    for await _ in registry.newProxies { pending.addArrivals() }
                }
                await withTaskExecutorPreference(self.executor) {
                    while !Task.isCancelled, let work = await pending.next() {
                        if let batch = work.config { self.apply(snapshot: batch.snapshot, keys: batch.keys) }
                        if work.arrivals { self.buildNewProxies(registry.takeArrivals()) }
                        if work.unbuilt { self.buildProxiesWithoutSnapshot() }
                        self.onRoundDone()
                    }
                }
                group.cancelAll()
            }
        }
        pending.finish()
    }

    /// The index the loop last built (nil before the first).
    package var index: MeshIndex? { currentIndex.withLock { $0 } }

    /// Moves to `snapshot` (`keys` changed since the previous one; empty means everything) and
    /// updates every connected proxy whose snapshot that changes.
    func apply(snapshot: ConfigSnapshot, keys: Set<ConfigKey>) {
        let started = ContinuousClock.now
        let previous = currentIndex.withLock { $0 }
        // Without keys or a previous index nothing is known to be unchanged: everything is rebuilt.
        let impact = keys.isEmpty ? nil : previous.map { ConfigChangeImpact(keys: keys, old: $0.snapshot, new: snapshot) }
        let index: MeshIndex
        if let previous, let impact, impact.endpointsOnly {
            index = previous.updatingEndpoints(of: impact.endpointSources, snapshot: snapshot)
        } else {
            index = MeshIndex(snapshot: snapshot, options: options)
        }
        currentIndex.withLock { $0 = index }
        generator.update(index: index, changes: impact?.dependencies, endpointsOnly: impact?.endpointsOnly ?? false)
        if !keys.isEmpty { metrics.recordConfigEvent(resources: keys.count) }
        metrics.setRejectedResources(store.rejections().count + problems.all().count)
        onConfigApplied(snapshot.version)
        guard isReady() else {
            logger.debug("config applied before the first full config; proxies wait", metadata: ["config.version": "\(snapshot.version)"])
            return
        }
        let proxies = registry.all()
        let outcomes = build(proxies, forgettingOthers: true)
        generator.retain(proxies)
        var changed = 0
        var failed = 0
        for (proxy, outcome) in zip(proxies, outcomes) {
            switch outcome {
            case .changed(let new):
                changed += 1
                registry.markPending(proxy.id, since: started)
                cache.setSnapshot(new, forNode: proxy.id)
                if !registry.contains(proxy.id) { cache.clearSnapshot(forNode: proxy.id) }
            case .unchanged:
                break
            case .failed(let error):
                failed += 1
                logger.warning("snapshot generation failed; keeping the last good snapshot", metadata: [
                    "xds.node.id": "\(proxy.id)", "generation.error": "\(error)",
                ])
            }
        }
        let duration = ContinuousClock.now - started
        metrics.recordGeneration(duration: duration, proxies: proxies.count, errors: failed)
        logger.info("config applied", metadata: [
            "config.version": "\(snapshot.version)", "config.changed_keys": "\(keys.count)",
            "config.resources": "\(snapshot.count)", "config.endpoints_only": "\(impact?.endpointsOnly ?? false)",
            "generation.proxies": "\(proxies.count)", "generation.changed": "\(changed)",
            "generation.failed": "\(failed)", "generation.duration": "\(duration)",
        ])
    }

    /// Asks the loop to rebuild everything from the current store snapshot, as if every input had
    /// changed (the mesh config changed under the generator).
    package func regenerateAll() {
        pending.add(ConfigChangeBatch(keys: [], snapshot: store.snapshot()))
    }

    /// Asks the loop to build every connected proxy that has no snapshot yet (on readiness).
    package func buildWaitingProxies() {
        pending.addUnbuilt()
    }

    private func buildProxiesWithoutSnapshot() {
        buildNewProxies(registry.all().filter { cache.snapshot(forNode: $0.id) == nil }.map(\.id))
    }

    /// Builds the first snapshots of proxies that just connected, in one batch.
    func buildNewProxies(_ nodeIDs: [String]) {
        guard !nodeIDs.isEmpty else { return }
        guard isReady() else {
            logger.debug("proxies wait for the first full config", metadata: ["proxies.waiting": "\(nodeIDs.count)"])
            return
        }
        guard currentIndex.withLock({ $0 }) != nil else { return }
        let proxies = nodeIDs.compactMap { registry.identity(of: $0) }
        let started = ContinuousClock.now
        var failed = 0
        for (proxy, outcome) in zip(proxies, build(proxies, forgettingOthers: false)) {
            switch outcome {
            case .changed(let snapshot):
                registry.markPending(proxy.id, since: started)
                cache.setSnapshot(snapshot, forNode: proxy.id)
                if !registry.contains(proxy.id) { cache.clearSnapshot(forNode: proxy.id) }
            case .unchanged:
                break
            case .failed(let error):
                failed += 1
                logger.warning("snapshot generation failed for a new proxy", metadata: [
                    "xds.node.id": "\(proxy.id)", "generation.error": "\(error)",
                ])
            }
        }
        metrics.recordGeneration(duration: ContinuousClock.now - started, proxies: proxies.count, errors: failed)
        logger.debug("new proxies built", metadata: ["generation.proxies": "\(proxies.count)"])
    }

    enum Outcome: @unchecked Sendable {
        // @unchecked: `any Error` payloads are produced and consumed on the loop's own task.
        case changed(Snapshot)
        case unchanged
        case failed(any Error)
    }

    /// Generates snapshots for `proxies`, records their diagnostics (forgetting every other proxy's
    /// when `forgettingOthers`: `proxies` are all the connected ones) and compares each snapshot
    /// with what its node is served now.
    private func build(_ proxies: [ProxyIdentity], forgettingOthers: Bool) -> [Outcome] {
        let results = generator.generated(for: proxies)
        var latest: [String: [Diagnostic]] = [:]
        for (proxy, result) in zip(proxies, results) {
            if case .success(let generated) = result { latest[proxy.id] = generated.diagnostics }
        }
        diagnostics.record(latest, connected: forgettingOthers ? Set(proxies.map(\.id)) : nil)
        metrics.setGenerationDiagnostics(diagnostics.entries().count)
        return zip(proxies, results).map { proxy, result in
            switch result {
            case .success(let generated):
                if let old = cache.snapshot(forNode: proxy.id), old.sameContent(as: generated.snapshot) { return .unchanged }
                return .changed(generated.snapshot)
            case .failure(let error):
                return .failed(error)
            }
        }
    }
}
