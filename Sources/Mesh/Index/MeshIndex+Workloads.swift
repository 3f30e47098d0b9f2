internal import MeshAPI

extension MeshIndex {
    /// The label selectors that can make two proxies of one namespace see the mesh differently:
    /// DestinationRule workload selectors, VirtualService `sourceLabels` and the selectors of
    /// PeerAuthentications and AuthorizationPolicies (which shape inbound), de-duplicated and sorted.
    /// (Sidecar selectors are accounted for by the Sidecar that applies.) A proxy's outbound config
    /// depends on its labels only through which of these match.
    package var labelSelectors: [[String: String]] { derived.labelSelectors }

    /// Which of ``labelSelectors`` `labels` satisfy, as a bit string (one flag per selector).
    package func matchingSelectors(_ labels: [String: String]) -> [Bool] {
        labelSelectors.map { Self.labels(labels, match: $0) }
    }

    /// The services `proxy` serves: those whose workload selector matches its labels in its
    /// namespace, or with an endpoint (on the first port) at one of its IPs. Sorted by host name.
    package func ownServices(of proxy: ProxyIdentity) -> [MeshService] {
        var positions = Set<Int>()
        for ip in proxy.ipAddresses { positions.formUnion(derived.servicesByEndpointAddress[ip] ?? []) }
        for position in derived.selectingServicesByNamespace[proxy.namespace] ?? [] {
            if let selector = services[position].workloadSelector, !selector.isEmpty, Self.labels(proxy.labels, match: selector) {
                positions.insert(position)
            }
        }
        return positions.sorted().map { services[$0] }
    }

    /// A copy whose endpoints of the ServiceEntries `sources` are taken from `snapshot`, which must
    /// differ from this index's snapshot only in those entries' endpoints and in WorkloadEntries:
    /// the incremental path for endpoint changes, which skips rebuilding services and rules.
    package func updatingEndpoints(of sources: Set<ConfigKey>, snapshot: ConfigSnapshot) -> MeshIndex {
        var endpoints = endpointsBySource
        var workloadEntries: [MeshResource]?
        for key in sources {
            guard let resource = snapshot[key], case .serviceEntry(let se) = resource.spec else {
                endpoints[key] = nil
                continue
            }
            // Scanning the snapshot for WorkloadEntries is only needed for entries that select them.
            let selected = se.hasWorkloadSelector ? workloadEntries ?? snapshot.resources(of: .workloadEntry) : []
            if se.hasWorkloadSelector { workloadEntries = selected }
            endpoints[key] = Self.endpointTemplates(of: se, key: key, workloadEntries: selected)
        }
        return MeshIndex(updating: self, snapshot: snapshot, endpointsBySource: endpoints)
    }

    /// What is derived from services and rules, rebuilt with them.
    struct Derived: Sendable {
        var labelSelectors: [[String: String]] = []
        var servicesByEndpointAddress: [String: [Int]] = [:]
        var selectingServicesByNamespace: [String: [Int]] = [:]
        /// PeerAuthentications by namespace, in creation order.
        var peerAuthentications: [String: [MeshResource]] = [:]
        /// AuthorizationPolicies by namespace, in creation order.
        var authorizationPolicies: [String: [MeshResource]] = [:]
        /// DubboAuthorizationPolicies by namespace, in creation order.
        var dubboAuthorizationPolicies: [String: [MeshResource]] = [:]

        init(services: [MeshService], endpointsBySource: [ConfigKey: [EndpointTemplate]],
             destinationRules: [MeshResource], virtualServices: [ResolvedVirtualService],
             peerAuthentications: [MeshResource], authorizationPolicies: [MeshResource], dubboAuthorizationPolicies: [MeshResource],
             gateways: [MeshResource]) {
            self.peerAuthentications = Dictionary(grouping: peerAuthentications, by: \.key.namespace)
            self.authorizationPolicies = Dictionary(grouping: authorizationPolicies, by: \.key.namespace)
            self.dubboAuthorizationPolicies = Dictionary(grouping: dubboAuthorizationPolicies, by: \.key.namespace)
                .mapValues { $0.sorted(by: MeshResource.creationOrder) }
            var selectors = Set(MeshIndex.securitySelectors(peerAuthentications: peerAuthentications, authorizationPolicies: authorizationPolicies))
            for resource in gateways {
                if case .gateway(let gateway) = resource.spec, !gateway.selector.isEmpty { selectors.insert(gateway.selector) }
            }
            for resource in destinationRules {
                if case .destinationRule(let rule) = resource.spec, rule.hasWorkloadSelector { selectors.insert(rule.workloadSelector.matchLabels) }
            }
            for vs in virtualServices {
                for route in vs.spec.http { for match in route.match where !match.sourceLabels.isEmpty { selectors.insert(match.sourceLabels) } }
                for route in vs.spec.tcp { for match in route.match where !match.sourceLabels.isEmpty { selectors.insert(match.sourceLabels) } }
                for route in vs.spec.tls { for match in route.match where !match.sourceLabels.isEmpty { selectors.insert(match.sourceLabels) } }
            }
            labelSelectors = selectors.sorted { $0.sorted(by: <).lexicographicallyPrecedes($1.sorted(by: <)) { ($0.key, $0.value) < ($1.key, $1.value) } }
            for (position, service) in services.enumerated() {
                if let selector = service.workloadSelector, !selector.isEmpty {
                    selectingServicesByNamespace[service.namespace, default: []].append(position)
                }
            }
            servicesByEndpointAddress = Self.endpointOwners(services: services, endpointsBySource: endpointsBySource)
        }

        /// Endpoint address → the positions of the services (with a port) that have an endpoint there.
        static func endpointOwners(services: [MeshService], endpointsBySource: [ConfigKey: [EndpointTemplate]]) -> [String: [Int]] {
            var owners: [String: [Int]] = [:]
            for (position, service) in services.enumerated() where service.ports.first != nil {
                for template in endpointsBySource[service.source] ?? [] where !template.entry.address.isEmpty {
                    owners[template.entry.address, default: []].append(position)
                }
            }
            return owners
        }
    }
}
