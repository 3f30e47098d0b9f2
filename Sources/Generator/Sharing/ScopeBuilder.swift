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
        var diagnostics: [String] = []
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

        let fallthroughCluster = view.outboundTrafficPolicy == .allowAny ? ClusterName.passthrough : ClusterName.blackHole
        var destinationRules: [String: EffectiveDestinationRule] = [:]
        for (host, entry) in entriesByHost { destinationRules[host] = entry.destinationRule }
        let listenerBuilder = OutboundListenerBuilder(registry: registry, proxy: view.proxy, catalog: catalog, fallthroughCluster: fallthroughCluster,
                                                     accessLog: options.accessLog, destinationRules: destinationRules)
        for group in ListenerGroup.groups(view, registry: registry, options: options, diagnostics: &out.diagnostics) {
            let routed = registry.plugin(for: group.bindings[0].port.protocol) is any RouteConfigurationPlugin
            let key = ResourceKey(
                kind: .listener, name: group.name, variant: .scope(scope),
                inputs: routed ? Self.routedListenerInputs(group, entriesByHost: entriesByHost) : Self.listenerInputs(group, entriesByHost: entriesByHost)
            )
            let built = try table.entry(key) {
                var diagnostics: [String] = []
                guard let (listener, output) = listenerBuilder.listener(group, diagnostics: &diagnostics) else {
                    return ResourceTable.Entry(resources: [], diagnostics: diagnostics)
                }
                let resources = try [PreparedResource(listener, routeReferences: RouteReferences.of(listener))] + output.routes.map { try PreparedResource($0) }
                return ResourceTable.Entry(resources: resources, diagnostics: diagnostics)
            }
            out.diagnostics += built.diagnostics
            for resource in built.resources {
                if resource.typeURL == TypeURL.listener { out.listeners.append(resource) } else { out.routes.append(resource) }
            }
            guard routed else { continue }
            let routesKey = ResourceKey(
                kind: .routes, name: group.name, variant: .scope(scope), inputs: Self.listenerInputs(group, entriesByHost: entriesByHost)
            )
            let routes = try table.entry(routesKey) {
                var diagnostics: [String] = []
                let output = listenerBuilder.routes(group, diagnostics: &diagnostics)
                return ResourceTable.Entry(resources: try (output?.routes ?? []).map { try PreparedResource($0) }, diagnostics: diagnostics)
            }
            out.diagnostics += routes.diagnostics
            out.routes += routes.resources
        }

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
                    var diagnostics: [String] = []
                    let built = builder.outbound(entry, port: port, subset: subset, endpoints: portEndpoints(), diagnostics: &diagnostics)
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
            let built = ClusterBuilder.assignment(entry, port: port, subset: subset, endpoints: endpoints())
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
            for vs in entry.virtualServices { destinations.formUnion(vs.destinationHosts) }
        }
        for host in destinations.sorted() {
            inputs += entriesByHost[host]?.clusterInputs ?? []
        }
        return inputs
    }

    /// The inputs of a listener whose plugin routes over RDS: the bound services and their
    /// DestinationRules, not their VirtualServices (which only its ``ResourceKey/Kind/routes`` entry
    /// reads), so a VirtualService edit leaves the listener as it is.
    static func routedListenerInputs(_ group: ListenerGroup, entriesByHost: [String: ProxyView.Entry]) -> [Dependency] {
        group.bindings.flatMap { entriesByHost[$0.service.hostname.lowercased()]?.clusterInputs ?? [] }
    }

    /// The inbound resources of a workload with `ownServices` in `scope`: `virtualInbound` with one
    /// chain per own target port, and the `inbound|PORT||` clusters.
    func inbound(_ ownServices: [ProxyView.Entry], proxy: ProxyIdentity, scope: ScopeKey) throws -> ResourceTable.Entry {
        if proxy.isProxylessGRPC { return try proxylessInbound(ownServices, proxy: proxy, scope: scope) }
        let inputs = ownServices.flatMap(\.bindingInputs)
        let name = "virtualInbound|" + ownServices.map(\.service.hostname).joined(separator: ",")
        return try table.entry(ResourceKey(kind: .inbound, name: name, variant: .scope(scope), inputs: inputs)) {
            var diagnostics: [String] = []
            let inbound = InboundChainBuilder(registry: registry, proxy: proxy, options: options).chains(ownServices, diagnostics: &diagnostics)
            let clusterBuilder = ClusterBuilder(options: options, ipv4Only: scope.ipv4Only)
            var resources = try inbound.ports.map { try PreparedResource(clusterBuilder.inbound(port: $0.number, protocol: $0.protocol)) }
            resources.append(try PreparedResource(try VirtualListeners(options: options).inbound(chains: inbound.chains)))
            return ResourceTable.Entry(resources: resources, diagnostics: diagnostics)
        }
    }
}
