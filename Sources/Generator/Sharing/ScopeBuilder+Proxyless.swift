internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import XDSCache

extension ScopeBuilder {
    /// The outbound resources of a proxyless gRPC scope (`GENERATOR=grpc`): for every port of every
    /// visible EDS service, the API listeners `<host>:<port>` for each name a client of the scope's
    /// namespace can dial, the route configuration `outbound|PORT||HOST`, and the clusters and load
    /// assignments. Every spelling is built ahead (not per request), so the resources stay shared by
    /// the scope; a client receives the names it subscribes to.
    ///
    /// Services resolved by DNS or passed through have no IP endpoints a gRPC client could use, and
    /// ports of Aeraki's layer-7 protocols (Dubbo, Thrift, ...) do not speak gRPC: both are left out.
    func proxylessOutbound(_ view: ProxyView, scope: ScopeKey) throws -> Outbound {
        var out = Outbound()
        var portsByHost: [String: [UInt32]] = [:]
        var entriesByHost: [String: ProxyView.Entry] = [:]
        var destinationRules: [String: EffectiveDestinationRule] = [:]
        let served = view.entries.filter { $0.service.resolution == .static }
        for entry in served {
            portsByHost[entry.service.hostname] = entry.service.ports.map(\.number).sorted()
            entriesByHost[entry.service.hostname.lowercased()] = entry
            destinationRules[entry.service.hostname.lowercased()] = entry.destinationRule
            try addProxylessClusters(of: entry, to: &out)
        }
        let catalog = ClusterCatalog(names: Set(out.clusters.map(\.name)), portsByHost: portsByHost)
        for entry in served {
            for port in entry.service.ports where !port.protocol.isAerakiProtocol {
                let binding = ProxyView.binding(entry, port: port)
                let listeners = try table.entry(ResourceKey(
                    kind: .listener, name: "grpc|\(binding.defaultCluster)", variant: .scope(scope), inputs: [.config(entry.service.source)]
                )) {
                    let hosts = ProxylessGRPC.clientHosts(entry.service, proxy: view.proxy)
                    return ResourceTable.Entry(resources: try hosts.map { host in
                        let listener = try ProxylessGRPC.clientListener(host: host, binding: binding)
                        return try PreparedResource(listener, routeReferences: listener.rdsRouteNames)
                    })
                }
                out.listeners += listeners.resources
                var group = ListenerGroup(name: binding.defaultCluster, bind: "0.0.0.0", port: port.number)
                group.bindings = [binding]
                let routes = try table.entry(ResourceKey(
                    kind: .routes, name: "grpc|\(binding.defaultCluster)", variant: .scope(scope),
                    inputs: Self.listenerInputs(group, entriesByHost: entriesByHost)
                )) {
                    let context = OutboundContext(
                        listenerPort: port.number, listenerName: binding.defaultCluster, bindings: [binding], proxy: view.proxy, catalog: catalog,
                        destinationRules: destinationRules
                    )
                    let output = ProxylessGRPC.routeConfiguration(context)
                    return ResourceTable.Entry(resources: try output.routes.map { try PreparedResource($0) }, diagnostics: output.diagnostics)
                }
                out.diagnostics += routes.diagnostics
                out.routes += routes.resources
            }
        }
        return out
    }

    /// The proxyless clusters (default and subsets) of every port of `entry`, and their assignments.
    private func addProxylessClusters(of entry: ProxyView.Entry, to out: inout Outbound) throws {
        for port in entry.service.ports where !port.protocol.isAerakiProtocol {
            for subset in [""] + entry.subsets {
                let name = ClusterName.outbound(port: port.number, subset: subset, host: entry.service.hostname)
                let cluster = try table.entry(ResourceKey(kind: .proxylessCluster, name: name, variant: .shared, inputs: entry.clusterInputs)) {
                    var diagnostics: [Diagnostic] = []
                    let policy = entry.destinationRule?.trafficPolicy(port: port.number, subset: subset)
                    let built = ProxylessClusterBuilder.cluster(name: name, policy: policy, of: entry.destinationRule?.sources.first, diagnostics: &diagnostics)
                    return ResourceTable.Entry(resources: [try PreparedResource(built)], diagnostics: diagnostics)
                }
                out.diagnostics += cluster.diagnostics
                out.clusters += cluster.resources
                out.assignments += try assignment(of: entry, port: port, subset: subset) { index.endpoints(of: entry.service, port: port.number) }
            }
        }
    }

    /// The server listeners of a proxyless gRPC workload: `xds.istio.io/grpc/lds/inbound/<ip>:<port>`
    /// for every own target port, for the wildcard addresses and the proxy's own IPs (a gRPC server
    /// names the address it listens on). The proxy's IPs are in the entry's name, so these are per pod.
    func proxylessInbound(_ ownServices: [ProxyView.Entry], proxy: ProxyIdentity, scope: ScopeKey) throws -> ResourceTable.Entry {
        let ips = ["0.0.0.0", "::"] + proxy.ipAddresses
        let name = "grpc-inbound|" + ips.joined(separator: ",") + "|" + ownServices.map(\.service.hostname).joined(separator: ",")
        return try table.entry(ResourceKey(kind: .inbound, name: name, variant: .scope(scope), inputs: ownServices.map { .config($0.service.source) })) {
            var ports = Set<UInt32>()
            for entry in ownServices { for port in entry.service.ports { ports.insert(port.targetPort != 0 ? port.targetPort : port.number) } }
            var resources: [PreparedResource] = []
            for port in ports.sorted() {
                for ip in ips { resources.append(try PreparedResource(ProxylessGRPC.serverListener(ip: ip, port: port))) }
            }
            return ResourceTable.Entry(resources: resources)
        }
    }
}
