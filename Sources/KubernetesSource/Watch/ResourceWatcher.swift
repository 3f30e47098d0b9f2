internal import Foundation
internal import Logging
internal import Mesh

/// Keeps the store in step with one API resource: list, then watch from the list's resource
/// version with bookmarks; resume from the last version seen when a watch ends or breaks; list
/// again on `410 Gone`; back off while the API server is unreachable, leaving the store as it was,
/// so the last good config keeps serving through an outage.
struct ResourceWatcher: Sendable {
    let resource: APIResource
    let client: KubernetesAPIClient
    let store: ConfigStore
    let origin: String
    let backoff: Backoff
    let status: StatusReporter?
    let problems: ProblemBoard
    let onListed: @Sendable () -> Void
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var state = WatchState(resource: resource)
        var backoff = self.backoff
        var listed = false
        let logger = self.logger
        let resourceName = "\(resource)"
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var events = 0
            do {
                if state.resourceVersion == nil {
                    let list = try await client.list(resource)
                    apply(state.relisted(list), state: state)
                    logger.info("listed", metadata: [
                        "k8s.resource": "\(resourceName)", "k8s.objects": "\(list.items.count)",
                        "k8s.resource_version": "\(list.resourceVersion)",
                    ])
                    if !listed {
                        listed = true
                        onListed()
                    }
                }
                try await client.watch(resource, from: state.resourceVersion ?? "") { event throws(KubernetesAPIError) in
                    events += 1
                    apply(state.received(event), state: state)
                }
                logger.debug("watch ended; resuming", metadata: ["k8s.resource": "\(resourceName)", "k8s.events": "\(events)"])
                if events > 0 || ContinuousClock.now - started > .seconds(1) {
                    backoff.reset()
                } else {
                    try? await Task.sleep(for: backoff.next())
                }
            } catch {
                if Task.isCancelled { break }
                if error.needsRelist {
                    logger.info("resource version expired; listing again", metadata: ["k8s.resource": "\(resourceName)"])
                    state.expire()
                    continue
                }
                let delay = backoff.next()
                logger.warning("Kubernetes API unavailable; keeping the last config", metadata: [
                    "k8s.resource": "\(resourceName)", "k8s.error": "\(error)", "k8s.retry_in": "\(delay)",
                ])
                try? await Task.sleep(for: delay)
            }
        }
    }

    private func apply(_ update: WatchState.StoreUpdate, state: WatchState) {
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
