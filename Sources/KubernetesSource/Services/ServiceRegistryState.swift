internal import Mesh

/// What the Services, EndpointSlices and Pods collections have seen, and the synthesized
/// ServiceEntries each list or event changes. Pure: no I/O.
///
/// Nothing reaches the store until all three collections have been listed once (so the first
/// entries already carry their endpoints); from then on a list of any collection (a relist after
/// `410 Gone`) replaces every entry, and an event changes only the entries of the Services it
/// touches: a Service event its own entry, an EndpointSlice event its Service's, a Pod event the
/// Services whose slices name the Pod. A slice or Pod event changes nothing but endpoints, so the
/// entry differs from its last version in endpoints alone.
package struct ServiceRegistryState: Sendable {
    /// The collections the registry watches.
    package enum Collection: String, Sendable, CaseIterable {
        case services, endpointSlices, pods

        /// The collection path across all namespaces.
        package var path: String {
            switch self {
            case .services: "/api/v1/services"
            case .endpointSlices: "/apis/discovery.k8s.io/v1/endpointslices"
            case .pods: "/api/v1/pods"
            }
        }
    }

    /// The DNS domain suffix of Service hosts (`cluster.local`).
    package let domainSuffix: String
    private var services: [String: KubeService] = [:]
    private var slices: [String: KubeEndpointSlice] = [:]
    private var pods: [String: KubePod] = [:]
    /// Slice names by the Service (`namespace/name`) they belong to.
    private var slicesOfService: [String: Set<String>] = [:]
    /// Service names (`namespace/name`) by the Pod (`namespace/name`) their slices name.
    private var servicesOfPod: [String: Set<String>] = [:]
    private var resume: [Collection: ResumePoint] = [:]
    private var listed: Set<Collection> = []
    /// Why a Service gives no entry, by `namespace/name` (for a log line when it changes).
    package private(set) var skipped: [String: String] = [:]
    /// Objects that do not decode, by `collection namespace/name`.
    package private(set) var undecodable: [String: String] = [:]

    /// An empty registry.
    package init(domainSuffix: String) {
        self.domainSuffix = domainSuffix
    }

    /// The resource version `collection`'s watch resumes from; nil: list first.
    package func resourceVersion(of collection: Collection) -> String? {
        resume[collection]?.resourceVersion
    }

    /// `collection`'s version expired: list it again.
    package mutating func expire(_ collection: Collection) {
        resume[collection]?.expire()
    }

    /// A full list of `collection` arrived.
    package mutating func relisted(_ collection: Collection, _ list: KubernetesAPIClient.ObjectList) -> WatchState.StoreUpdate {
        resume[collection, default: ResumePoint()].listed(list)
        switch collection {
        case .services: services = [:]
        case .endpointSlices:
            slices = [:]
            slicesOfService = [:]
            servicesOfPod = [:]
        case .pods: pods = [:]
        }
        undecodable = undecodable.filter { !$0.key.hasPrefix(collection.rawValue + " ") }
        for object in list.items { store(object, in: collection) }
        listed.insert(collection)
        guard listed.count == Collection.allCases.count else { return .none }
        skipped = [:]
        var entries: [MeshResource] = []
        for name in services.keys.sorted() {
            if let entry = entry(for: name) { entries.append(entry) }
        }
        return .replace(entries)
    }

    /// A watch event of `collection` arrived.
    package mutating func received(_ collection: Collection, _ event: KubernetesAPIClient.WatchEvent) -> WatchState.StoreUpdate {
        resume[collection, default: ResumePoint()].received(event)
        let affected: Set<String>
        switch event {
        case .bookmark: return .none
        case .added(let object), .modified(let object):
            let before = affectedServices(by: object, in: collection)
            store(object, in: collection)
            affected = before.union(affectedServices(by: object, in: collection))
        case .deleted(let object):
            affected = affectedServices(by: object, in: collection)
            remove(object, from: collection)
        }
        guard listed.count == Collection.allCases.count, !affected.isEmpty else { return .none }
        var upserts: [MeshResource] = []
        var deletes: [ConfigKey] = []
        for name in affected.sorted() {
            if let resource = entry(for: name) { upserts.append(resource) } else { deletes.append(Self.entryKey(name)) }
        }
        return .apply(upserts: upserts, deletes: deletes)
    }

    // MARK: Objects

    private static func objectName(_ object: KubernetesObject) -> String { "\(object.namespace)/\(object.name)" }

    private static func entryKey(_ serviceName: String) -> ConfigKey {
        let parts = serviceName.split(separator: "/", maxSplits: 1).map(String.init)
        return ConfigKey(kind: .serviceEntry, namespace: parts[0], name: ServiceEntrySynthesis.namePrefix + parts[1])
    }

    private mutating func store(_ object: KubernetesObject, in collection: Collection) {
        let name = Self.objectName(object)
        let problem = "\(collection.rawValue) \(name)"
        func keep<T: Decodable>(_ type: T.Type, into map: inout [String: T]) {
            switch object.decoded(as: type) {
            case .success(let value):
                map[name] = value
                undecodable[problem] = nil
            case .failure(let error):
                map[name] = nil
                undecodable[problem] = "\(error)"
            }
        }
        switch collection {
        case .services: keep(KubeService.self, into: &services)
        case .endpointSlices:
            unindexSlice(name)
            keep(KubeEndpointSlice.self, into: &slices)
            indexSlice(name)
        case .pods: keep(KubePod.self, into: &pods)
        }
    }

    private mutating func indexSlice(_ name: String) {
        guard let slice = slices[name], let service = slice.serviceName else { return }
        let namespace = slice.metadata.namespace ?? ""
        let serviceName = "\(namespace)/\(service)"
        slicesOfService[serviceName, default: []].insert(name)
        for pod in Self.pods(of: slice) { servicesOfPod[pod, default: []].insert(serviceName) }
    }

    private mutating func unindexSlice(_ name: String) {
        guard let slice = slices[name], let service = slice.serviceName else { return }
        let serviceName = "\(slice.metadata.namespace ?? "")/\(service)"
        slicesOfService[serviceName]?.remove(name)
        if slicesOfService[serviceName]?.isEmpty == true { slicesOfService[serviceName] = nil }
        // Another slice of the same Service may name the Pod too: keep the link while one does.
        let others = (slicesOfService[serviceName] ?? []).compactMap { slices[$0] }.flatMap(Self.pods(of:))
        for pod in Set(Self.pods(of: slice)).subtracting(others) {
            servicesOfPod[pod]?.remove(serviceName)
            if servicesOfPod[pod]?.isEmpty == true { servicesOfPod[pod] = nil }
        }
    }

    /// The Pods (`namespace/name`) a slice's endpoints name.
    private static func pods(of slice: KubeEndpointSlice) -> [String] {
        (slice.endpoints ?? []).compactMap { endpoint in
            guard let target = endpoint.targetRef, target.kind == "Pod", let name = target.name else { return nil }
            return "\(target.namespace ?? slice.metadata.namespace ?? "")/\(name)"
        }
    }

    private mutating func remove(_ object: KubernetesObject, from collection: Collection) {
        let name = Self.objectName(object)
        undecodable["\(collection.rawValue) \(name)"] = nil
        switch collection {
        case .services: services[name] = nil
        case .endpointSlices:
            unindexSlice(name)
            slices[name] = nil
        case .pods: pods[name] = nil
        }
    }

    /// The Services (`namespace/name`) whose entry `object` of `collection` shapes, as the registry
    /// holds it now.
    private func affectedServices(by object: KubernetesObject, in collection: Collection) -> Set<String> {
        let name = Self.objectName(object)
        switch collection {
        case .services:
            return [name]
        case .endpointSlices:
            guard let service = slices[name]?.serviceName else { return [] }
            return ["\(object.namespace)/\(service)"]
        case .pods:
            return servicesOfPod[name] ?? []
        }
    }

    /// The entry of Service `name`, or nil when it is gone or gives none (the reason in ``skipped``).
    private mutating func entry(for name: String) -> MeshResource? {
        skipped[name] = nil
        guard let service = services[name] else { return nil }
        let serviceSlices = (slicesOfService[name] ?? []).sorted().compactMap { slices[$0] }
        switch ServiceEntrySynthesis.serviceEntry(for: service, slices: serviceSlices, pods: pods, domainSuffix: domainSuffix) {
        case .success(var resource):
            resource.source = "kubernetes v1/services \(name)"
            return resource
        case .failure(let skip):
            skipped[name] = skip.reason
            return nil
        }
    }
}
