/// One API collection a ``CollectionWatcher`` keeps in step: where it is, where its watch resumes,
/// and what its lists and events do. Implementations keep their state behind a lock; the watcher
/// calls them from one task.
protocol WatchedCollection: Sendable {
    /// The collection path across all namespaces (`/api/v1/services`).
    var path: String { get }
    /// The resource version to resume the watch from; nil: list first.
    var resourceVersion: String? { get }
    /// A full list arrived.
    func relisted(_ list: KubernetesAPIClient.ObjectList)
    /// A watch event arrived.
    func received(_ event: KubernetesAPIClient.WatchEvent)
    /// The watch's resource version expired (410 Gone): the next round lists again.
    func expire()
}
