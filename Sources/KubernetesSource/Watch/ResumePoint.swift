/// Where a collection's watch resumes: the resource version of the last list, event or bookmark
/// seen; nil when the collection must be listed first (at start, and after `410 Gone`).
package struct ResumePoint: Sendable, Equatable {
    /// The resource version to watch from; nil: list first.
    package private(set) var resourceVersion: String?

    /// A point that lists first.
    package init() {}

    /// A list arrived.
    package mutating func listed(_ list: KubernetesAPIClient.ObjectList) {
        resourceVersion = list.resourceVersion
    }

    /// A watch event arrived (a bookmark without a version leaves the point where it was).
    package mutating func received(_ event: KubernetesAPIClient.WatchEvent) {
        switch event {
        case .bookmark(let version): if !version.isEmpty { resourceVersion = version }
        case .added(let object), .modified(let object), .deleted(let object): resourceVersion = object.resourceVersion
        }
    }

    /// The version expired (410 Gone): list again.
    package mutating func expire() {
        resourceVersion = nil
    }
}
