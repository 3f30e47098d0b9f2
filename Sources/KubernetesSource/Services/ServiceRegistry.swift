internal import Logging
internal import Mesh
import Synchronization

/// Kubernetes Services, EndpointSlices and Pods as synthesized ServiceEntries in the store (under
/// its own origin), for a cluster without istiod's MCP. See ``ServiceRegistryState`` for what each
/// change does and ``ServiceEntrySynthesis`` for the entries.
final class ServiceRegistry: Sendable {
    /// The store origin of the synthesized entries.
    static let origin = "kubernetes-services"

    private let state: Mutex<ServiceRegistryState>
    private let store: ConfigStore
    private let logger: Logger

    init(domainSuffix: String, store: ConfigStore, logger: Logger) {
        state = Mutex(ServiceRegistryState(domainSuffix: domainSuffix))
        self.store = store
        self.logger = logger
    }

    /// One watched collection per kind.
    var collections: [any WatchedCollection] {
        ServiceRegistryState.Collection.allCases.map { Watched(registry: self, collection: $0) }
    }

    fileprivate func resourceVersion(of collection: ServiceRegistryState.Collection) -> String? {
        state.withLock { $0.resourceVersion(of: collection) }
    }

    fileprivate func expire(_ collection: ServiceRegistryState.Collection) {
        state.withLock { $0.expire(collection) }
    }

    fileprivate func change(_ change: (inout ServiceRegistryState) -> WatchState.StoreUpdate) {
        let (update, skippedBefore, skippedAfter, undecodableBefore, undecodableAfter) = state.withLock { state in
            let skipped = state.skipped
            let undecodable = state.undecodable
            let update = change(&state)
            return (update, skipped, state.skipped, undecodable, state.undecodable)
        }
        switch update {
        case .replace(let resources): store.replace(origin: Self.origin, kinds: [.serviceEntry], with: resources)
        case .apply(let upserts, let deletes): store.apply(origin: Self.origin, upserts: upserts, deletes: deletes)
        case .none: break
        }
        for (service, reason) in skippedAfter.sorted(by: { $0.key < $1.key }) where skippedBefore[service] != reason {
            logger.warning("Kubernetes Service not in the mesh", metadata: ["k8s.service": "\(service)", "k8s.reason": "\(reason)"])
        }
        for (object, reason) in undecodableAfter.sorted(by: { $0.key < $1.key }) where undecodableBefore[object] != reason {
            logger.warning("Kubernetes object does not decode; ignored", metadata: ["k8s.object": "\(object)", "k8s.reason": "\(reason)"])
        }
    }

    /// One of the registry's collections, as a ``CollectionWatcher`` drives it.
    private struct Watched: WatchedCollection {
        let registry: ServiceRegistry
        let collection: ServiceRegistryState.Collection

        var path: String { collection.path }
        var resourceVersion: String? { registry.resourceVersion(of: collection) }
        func relisted(_ list: KubernetesAPIClient.ObjectList) { registry.change { $0.relisted(collection, list) } }
        func received(_ event: KubernetesAPIClient.WatchEvent) { registry.change { $0.received(collection, event) } }
        func expire() { registry.expire(collection) }
    }
}
