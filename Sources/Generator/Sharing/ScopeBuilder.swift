internal import EnvoyAPI
internal import Mesh
internal import Protocols
internal import SwiftProtobuf
internal import XDSCache

/// Builds the shared parts of proxies' configuration through a ``ResourceTable``: the outbound
/// resources of a scope, and the inbound resources of a workload in it.
///
/// Every resource is looked up by its ``ResourceKey`` first and built only on a miss, so rebuilding
/// a scope after a change costs the lookups plus the resources whose inputs changed.
struct ScopeBuilder {
    let table: ResourceTable
    let registry: PluginRegistry
    let options: GeneratorOptions
    let index: MeshIndex

    /// The outbound resources of a scope, by type, with what could not be honoured.
    struct Outbound: Sendable {
        var clusters: [PreparedResource] = []
        var assignments: [PreparedResource] = []
        var listeners: [PreparedResource] = []
        /// Route resources of every type (RDS, and other filters' route discovery types).
        var routes: [PreparedResource] = []
        var diagnostics: [Diagnostic] = []
    }

    /// The outbound resources of `view`'s scope `scope`.
    func outbound(_ view: ProxyView, scope: ScopeKey) throws -> Outbound {
        if view.proxy.isProxylessGRPC { return try proxylessOutbound(view, scope: scope) }
        var out = Outbound()
        let clusterBuilder = ClusterBuilder(options: options, ipv4Only: scope.ipv4Only)
        let special = try table.entry(ResourceKey(kind: .fixed, name: "special-clusters", variant: .shared, inputs: [])) {
            ResourceTable.Entry(resources: try clusterBuilder.special().map { try PreparedResource($0) })
        }
        out.clusters += special.resources

        var portsByHost: [String: [UInt32]] = [:]
        var entriesByHost: [String: ProxyView.Entry] = [:]
        for entry in view.entries {
            portsByHost[entry.service.hostname] = entry.service.ports.map(\.number).sorted()
            entriesByHost[entry.service.hostname.lowercased()] = entry
            try addClusters(of: entry, builder: clusterBuilder, to: &out)
        }
        let catalog = ClusterCatalog(names: Set(out.clusters.map(\.name)), portsByHost: portsByHost)

        if view.proxy.type == .router {
            try addGatewayListeners(of: view, scope: scope, catalog: catalog, entriesByHost: entriesByHost, to: &out)
            return out
        }
        let fallthroughCluster = view.outboundTrafficPolicy == .allowAny ? ClusterName.passthrough : ClusterName.blackHole
        var destinationRules: [String: EffectiveDestinationRule] = [:]
        for (host, entry) in entriesByHost { destinationRules[host] = entry.destinationRule }
        let listenerBuilder = OutboundListenerBuilder(registry: registry, proxy: view.proxy, catalog: catalog, fallthroughCluster: fallthroughCluster,
                                                     accessLog: options.accessLog, tracingSampling: options.tracingSampling,
                                                     destinationRules: destinationRules, defaultHTTPRetryPolicy: options.defaultHTTPRetryPolicy,
                                                     protocolDetectionTimeout: options.protocolDetectionTimeout)
        for group in ListenerGroup.groups(view, registry: registry, options: options, diagnostics: &out.diagnostics) {
            let inputs = Self.listenerInputs(group, entriesByHost: entriesByHost)
            let plugin = registry.plugin(for: group.bindings[0].port.protocol)
            let discovers = plugin.discoversRoutes(for: view.proxy)
            // With route discovery the listener reads only the bound services (not their routing
            // rules), and its routes are an entry of their own: a rule change rebuilds the routes
            // and the listener stays the same object.
            let listenerKey = ResourceKey(
                kind: .listener, name: group.name, variant: .scope(scope),
                inputs: (discovers ? Self.listenerShapeInputs(group, entriesByHost: entriesByHost) : inputs) + codecInputs(group.bindings.map(\.port))
            )
            let listener = try table.entry(listenerKey) {
                var diagnostics: [Diagnostic] = []
                guard let (listener, output) = listenerBuilder.listener(group, diagnostics: &diagnostics) else {
                    return ResourceTable.Entry(resources: [], diagnostics: diagnostics)
                }
                let routes = try discovers ? [] : output.routes.map { try PreparedResource($0) }
                let prepared = try PreparedResource(listener, routeReferences: output.routeReferences)
                // A discovered-routes entry rebuilds the listener and reports its diagnostics itself.
                let reportedByRoutes = discovers && !plugin.servesRouteResources
                return ResourceTable.Entry(resources: [prepared] + routes, diagnostics: reportedByRoutes ? [] : diagnostics)
            }
            var built = [listener]
            // Plugins serving per-port route resources (MetaProtocol) have them built by `addRoutes`.
            if discovers, !plugin.servesRouteResources {
                built.append(try table.entry(ResourceKey(kind: .routes, name: group.name, variant: .scope(scope), inputs: inputs)) {
                    var diagnostics: [Diagnostic] = []
                    let routes = try listenerBuilder.listener(group, diagnostics: &diagnostics)?.1.routes.map { try PreparedResource($0) }
                    return ResourceTable.Entry(resources: routes ?? [], diagnostics: diagnostics)
                })
            }
            for entry in built {
                out.diagnostics += entry.diagnostics
                for resource in entry.resources {
                    if resource.typeURL == TypeURL.listener { out.listeners.append(resource) } else { out.routes.append(resource) }
                }
            }
        }

        try addRoutes(of: view, scope: scope, catalog: catalog, entriesByHost: entriesByHost, to: &out)

        let policyName = view.outboundTrafficPolicy == .allowAny ? "allow-any" : "registry-only"
        let virtualOutbound = try table.entry(ResourceKey(kind: .fixed, name: "virtualOutbound/\(policyName)", variant: .shared, inputs: [])) {
            let listener = try VirtualListeners(options: options).outbound(policy: view.outboundTrafficPolicy)
            return ResourceTable.Entry(resources: [try PreparedResource(listener)])
        }
        out.listeners += virtualOutbound.resources
        return out
    }

    /// The clusters of every port and subset of `entry`, and the assignments of the EDS ones.
    private func addClusters(of entry: ProxyView.Entry, builder: ClusterBuilder, to out: inout Outbound) throws {
        let variant: ResourceKey.Variant = entry.embedsEndpoints ? .addressFamily(ipv4Only: builder.ipv4Only) : .shared
        let clusterInputs = entry.clusterInputs
        for port in entry.service.ports {
            var endpoints: [ServiceEndpoint]?
            func portEndpoints() -> [ServiceEndpoint] {
                if let endpoints { return endpoints }
                let found = index.endpoints(of: entry.service, port: port.number)
                endpoints = found
                return found
            }
            for subset in [""] + entry.subsets {
                let name = ClusterName.outbound(port: port.number, subset: subset, host: entry.service.hostname)
                let cluster = try table.entry(ResourceKey(kind: .cluster, name: name, variant: variant, inputs: clusterInputs)) {
                    var diagnostics: [Diagnostic] = []
                    let built = builder.outbound(entry, port: port, subset: subset, endpoints: portEndpoints(), index: index, diagnostics: &diagnostics)
                    return ResourceTable.Entry(resources: try built.map { [try PreparedResource($0)] } ?? [], diagnostics: diagnostics)
                }
                out.diagnostics += cluster.diagnostics
                out.clusters += cluster.resources
                guard cluster.resources.first?.edsServiceName != nil else { continue }
                out.assignments += try assignment(of: entry, port: port, subset: subset, endpoints: portEndpoints)
            }
        }
    }

    /// The load assignment of one EDS cluster of `entry` (`endpoints` is called only on a miss).
    func assignment(
        of entry: ProxyView.Entry, port: MeshServicePort, subset: String, endpoints: () -> [ServiceEndpoint]
    ) throws -> [PreparedResource] {
        let name = ClusterName.outbound(port: port.number, subset: subset, host: entry.service.hostname)
        let key = ResourceKey(kind: .assignment, name: name, variant: .shared, inputs: entry.assignmentInputs(subset: subset))
        return try table.entry(key) {
            let built = ClusterBuilder.assignment(entry, port: port, subset: subset, endpoints: endpoints(), index: index)
            return ResourceTable.Entry(resources: [try PreparedResource(built)])
        }.resources
    }

    /// The load assignments of `entries` (services whose endpoints alone changed) for the EDS
    /// clusters a scope has (`clusters`): the incremental path, which leaves everything else as it
    /// is. Nil when a service embeds its endpoints in its clusters (DNS), which needs a full build.
    func assignments(of entries: [ProxyView.Entry], clusters: TypeResources) throws -> [PreparedResource]? {
        var assignments: [PreparedResource] = []
        for entry in entries {
            guard !entry.embedsEndpoints else { return nil }
            for port in entry.service.ports {
                let endpoints = index.endpoints(of: entry.service, port: port.number)
                for subset in [""] + entry.subsets {
                    let name = ClusterName.outbound(port: port.number, subset: subset, host: entry.service.hostname)
                    guard clusters[name]?.edsServiceName != nil else { continue }
                    assignments += try assignment(of: entry, port: port, subset: subset, endpoints: { endpoints })
                }
            }
        }
        return assignments
    }

    /// A listener's inputs: every bound service's (its ServiceEntry, DestinationRules and
    /// VirtualServices), and the cluster inputs of every host those VirtualServices route to, since
    /// which destination clusters exist decides the routes.
    static func listenerInputs(_ group: ListenerGroup, entriesByHost: [String: ProxyView.Entry]) -> [Dependency] {
        var inputs: [Dependency] = []
        var destinations = Set<String>()
        for binding in group.bindings {
            guard let entry = entriesByHost[binding.service.hostname.lowercased()] else { continue }
            inputs += entry.bindingInputs
            destinations.formUnion(entry.routedHosts)
        }
        for host in destinations.sorted() {
            inputs += entriesByHost[host]?.clusterInputs ?? []
        }
        return inputs
    }

    /// The inputs of a listener whose routes are discovered: the bound services' ServiceEntries
    /// (they decide names, ports and stat prefixes) — not their routing rules or DestinationRules,
    /// which only the route entry reads.
    static func listenerShapeInputs(_ group: ListenerGroup, entriesByHost: [String: ProxyView.Entry]) -> [Dependency] {
        group.bindings.compactMap { entriesByHost[$0.service.hostname.lowercased()].map { .config($0.service.source) } }
    }

    /// The inbound resources of a workload with `ownServices` in `scope` (whose view is `view`):
    /// `virtualInbound` with the chains of every own target port, and the `inbound|PORT||` clusters.
    ///
    /// The security policies in effect for the workload (PeerAuthentications, AuthorizationPolicies,
    /// its services' DubboAuthorizationPolicies) are inputs, so a policy change rebuilds exactly the
    /// workloads it applies to; which workloads those are is decided by the scope (their selectors
    /// are among the mesh's label selectors). The rate-limit service clusters the own services'
    /// MetaRouters call are looked up in the view; the ones that exist are part of the entry's name
    /// and their services its inputs, so the limit appears when its service does and goes when it goes.
    func inbound(_ ownServices: [ProxyView.Entry], view: ProxyView, proxy: ProxyIdentity, scope: ScopeKey) throws -> ResourceTable.Entry {
        if proxy.isProxylessGRPC { return try proxylessInbound(ownServices, proxy: proxy, scope: scope) }
        let peerAuthentication = index.peerAuthentication(namespace: proxy.namespace, labels: proxy.labels)
        let authorizationPolicies = index.authorizationPolicies(namespace: proxy.namespace, labels: proxy.labels)
        var dubboPolicies: [String: [MeshResource]] = [:]
        for namespace in Set(ownServices.map(\.service.namespace)) {
            dubboPolicies[namespace] = index.dubboAuthorizationPolicies(namespace: namespace)
        }
        var inputs = ownServices.flatMap(\.bindingInputs) + codecInputs(ownServices.flatMap(\.service.ports))
        inputs += peerAuthentication.sources.map(Dependency.config)
        inputs += authorizationPolicies.map { Dependency.config($0.key) }
        for namespace in dubboPolicies.keys.sorted() {
            inputs += dubboPolicies[namespace]!.map { Dependency.config($0.key) }
        }
        let existing = Self.existingClusters(Set(ownServices.flatMap(\.rateLimitServiceClusters)), in: view)
        for cluster in existing.keys.sorted() { inputs += existing[cluster]!.clusterInputs }
        var name = "virtualInbound|" + ownServices.map(\.service.hostname).joined(separator: ",")
        if !existing.isEmpty { name += "|" + existing.keys.sorted().joined(separator: ",") }
        return try table.entry(ResourceKey(kind: .inbound, name: name, variant: .scope(scope), inputs: inputs)) {
            var diagnostics: [Diagnostic] = []
            let security = try InboundSecurity(
                peerAuthentication: peerAuthentication, authorizationPolicies: authorizationPolicies, dubboPolicies: dubboPolicies,
                dubboRBAC: proxy.capabilities.has(.dubboRBAC), trustDomains: options.trustDomains, diagnostics: &diagnostics
            )
            let inbound = try InboundChainBuilder(
                registry: registry, proxy: proxy, options: options, existingClusters: Set(existing.keys), security: security
            ).chains(ownServices, diagnostics: &diagnostics)
            let clusterBuilder = ClusterBuilder(options: options, ipv4Only: scope.ipv4Only)
            var resources = try inbound.ports.map { try PreparedResource(clusterBuilder.inbound(port: $0.number, protocol: $0.protocol)) }
            resources.append(try PreparedResource(try VirtualListeners(options: options).inbound(chains: inbound.chains, security: security)))
            return ResourceTable.Entry(resources: resources, diagnostics: diagnostics)
        }
    }

    /// The clusters of `names` (`outbound|PORT|SUBSET|HOST`) that `view` has, with their service.
    static func existingClusters(_ names: Set<String>, in view: ProxyView) -> [String: ProxyView.Entry] {
        var found: [String: ProxyView.Entry] = [:]
        for name in names {
            let parts = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, parts[0] == "outbound", let port = UInt32(parts[1]),
                let entry = view.entries.first(where: { $0.service.hostname.lowercased() == parts[3].lowercased() }),
                entry.service.port(port) != nil, parts[2].isEmpty || entry.subsets.contains(parts[2])
            else { continue }
            found[name] = entry
        }
        return found
    }
}
