package import Mesh

/// What one resource's list/watch has seen, and what each list or event means for the store.
///
/// Pure: no I/O. Objects are decoded with ``MeshYAMLParser`` (the YAML directory's parser), so a
/// Kubernetes object and the same object in a file give the same resource and the same errors. An
/// object that stops decoding keeps its last good version in the store (and its errors are
/// reported); a relist replaces the resource's whole set, keeping those last good versions.
package struct WatchState: Sendable {
    /// A change to make to the store.
    package enum StoreUpdate: Sendable, Equatable {
        /// Replace everything of this kind from this origin.
        case replace([MeshResource])
        /// Add or update, and delete.
        case apply(upserts: [MeshResource], deletes: [ConfigKey])
        /// Nothing to do (a bookmark, or an object that does not decode).
        case none
    }

    /// The resource watched.
    package let resource: APIResource
    /// Where the watch resumes.
    package private(set) var resume = ResumePoint()
    /// The resource version to resume the watch from; nil: list first.
    package var resourceVersion: String? { resume.resourceVersion }
    /// Every object's last good resource, by key.
    package private(set) var lastGood: [ConfigKey: MeshResource] = [:]
    /// Objects that do not decode, with why.
    package private(set) var decodeErrors: [ConfigKey: [ValidationError]] = [:]
    /// Every object present, by key (for status reporting).
    package private(set) var objects: [ConfigKey: KubernetesObject] = [:]
    private let parser = MeshYAMLParser(defaultNamespace: "default")

    /// A state that lists first.
    package init(resource: APIResource) {
        self.resource = resource
    }

    /// The `source` recorded on resources and errors: `kubernetes group/version/plural ns/name`.
    package func source(of object: KubernetesObject) -> String {
        let name = object.namespace.isEmpty ? object.name : "\(object.namespace)/\(object.name)"
        return "kubernetes \(resource) \(name)"
    }

    /// A full list arrived: everything else of this kind from this origin is gone.
    package mutating func relisted(_ list: KubernetesAPIClient.ObjectList) -> StoreUpdate {
        var resources: [MeshResource] = []
        var present: [ConfigKey: KubernetesObject] = [:]
        for object in list.items {
            let key = object.key(resource.kind)
            present[key] = object
            if let resource = decode(object, key: key) { resources.append(resource) }
            else if let previous = lastGood[key] { resources.append(previous) }
        }
        objects = present
        lastGood = lastGood.filter { present[$0.key] != nil }
        decodeErrors = decodeErrors.filter { present[$0.key] != nil }
        resume.listed(list)
        return .replace(resources)
    }

    /// A watch event arrived.
    package mutating func received(_ event: KubernetesAPIClient.WatchEvent) -> StoreUpdate {
        resume.received(event)
        switch event {
        case .bookmark:
            return .none
        case .added(let object), .modified(let object):
            let key = object.key(resource.kind)
            objects[key] = object
            guard let decoded = decode(object, key: key) else { return .none }
            return .apply(upserts: [decoded], deletes: [])
        case .deleted(let object):
            let key = object.key(resource.kind)
            objects[key] = nil
            lastGood[key] = nil
            decodeErrors[key] = nil
            return .apply(upserts: [], deletes: [key])
        }
    }

    /// The watch's resource version expired (410 Gone): list again.
    package mutating func expire() {
        resume.expire()
    }

    private mutating func decode(_ object: KubernetesObject, key: ConfigKey) -> MeshResource? {
        let source = source(of: object)
        var result = parser.parse(object.json, source: source)
        // The parser numbers documents (`#1`); an API object is one document, named by its path.
        for index in result.errors.indices { result.errors[index].source = source }
        if var resource = result.resources.first, resource.key == key, result.errors.isEmpty {
            resource.source = source
            lastGood[key] = resource
            decodeErrors[key] = nil
            return resource
        }
        var errors = result.errors
        if errors.isEmpty {
            errors = [ValidationError(source: source, key: key, field: "", reason: "not a \(resource.kind) object")]
        }
        decodeErrors[key] = errors
        return nil
    }
}
