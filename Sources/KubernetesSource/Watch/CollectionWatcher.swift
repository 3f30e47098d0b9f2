internal import Foundation
internal import Logging

/// Keeps one ``WatchedCollection`` in step with the API server: list, then watch from the list's
/// resource version with bookmarks; resume from the last version seen when a watch ends or breaks;
/// list again on `410 Gone`; back off while the API server is unreachable, leaving the collection
/// (and so the store) as it was, so the last good config keeps serving through an outage.
struct CollectionWatcher: Sendable {
    let collection: any WatchedCollection
    let client: KubernetesAPIClient
    let backoff: Backoff
    let onListed: @Sendable () -> Void
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var backoff = self.backoff
        var listed = false
        let collection = self.collection
        let path = collection.path
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var events = 0
            do {
                if collection.resourceVersion == nil {
                    let list = try await client.list(path)
                    collection.relisted(list)
                    logger.info("listed", metadata: [
                        "k8s.resource": "\(path)", "k8s.objects": "\(list.items.count)",
                        "k8s.resource_version": "\(list.resourceVersion)",
                    ])
                    if !listed {
                        listed = true
                        onListed()
                    }
                }
                try await client.watch(path, from: collection.resourceVersion ?? "") { event throws(KubernetesAPIError) in
                    events += 1
                    collection.received(event)
                }
                logger.debug("watch ended; resuming", metadata: ["k8s.resource": "\(path)", "k8s.events": "\(events)"])
                if events > 0 || ContinuousClock.now - started > .seconds(1) {
                    backoff.reset()
                } else {
                    try? await Task.sleep(for: backoff.next())
                }
            } catch {
                if Task.isCancelled { break }
                if error.needsRelist {
                    logger.info("resource version expired; listing again", metadata: ["k8s.resource": "\(path)"])
                    collection.expire()
                    continue
                }
                let delay = backoff.next()
                logger.warning("Kubernetes API unavailable; keeping the last config", metadata: [
                    "k8s.resource": "\(path)", "k8s.error": "\(error)", "k8s.retry_in": "\(delay)",
                ])
                try? await Task.sleep(for: delay)
            }
        }
    }
}
