internal import Mesh
import Synchronization

/// The collection of one mesh kind (Aeraki's or Istio's): objects decoded by ``WatchState`` into
/// store updates under `origin`, decode problems to the ``ProblemBoard``, objects to the status
/// reporter.
final class ConfigKindCollection: WatchedCollection {
    let resource: APIResource
    private let state: Mutex<WatchState>
    private let store: ConfigStore
    private let origin: String
    private let status: StatusReporter?
    private let problems: ProblemBoard

    init(resource: APIResource, store: ConfigStore, origin: String, status: StatusReporter?, problems: ProblemBoard) {
        self.resource = resource
        state = Mutex(WatchState(resource: resource))
        self.store = store
        self.origin = origin
        self.status = status
        self.problems = problems
    }

    var path: String { resource.collectionPath() }

    var resourceVersion: String? { state.withLock { $0.resourceVersion } }

    func relisted(_ list: KubernetesAPIClient.ObjectList) {
        apply { $0.relisted(list) }
    }

    func received(_ event: KubernetesAPIClient.WatchEvent) {
        apply { $0.received(event) }
    }

    func expire() {
        state.withLock { $0.expire() }
    }

    private func apply(_ change: (inout WatchState) -> WatchState.StoreUpdate) {
        let (update, state) = self.state.withLock { state in (change(&state), state) }
        switch update {
        case .replace(let resources):
            store.replace(origin: origin, kinds: [resource.kind], with: resources)
        case .apply(let upserts, let deletes):
            store.apply(origin: origin, upserts: upserts, deletes: deletes)
        case .none:
            break
        }
        problems.set(state.decodeErrors.sorted { $0.key < $1.key }.flatMap(\.value), for: resource)
        status?.track(resource, objects: state.objects, decodeErrors: state.decodeErrors)
    }
}
