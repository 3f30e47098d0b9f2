internal import Mesh
internal import Protocols
internal import XDSCache

/// Route resources served apart from listeners, and gateway listeners: the parts of a scope that
/// protocol plugins build per service port (``ProtocolPlugin/routeResources(_:)``) or per Gateway
/// server, each its own ``ResourceTable`` entry with the config it reads as inputs.
extension ScopeBuilder {
    /// The route resources served apart from listeners (MetaProtocol RDS `<host>_<port>`): one entry
    /// per service port whose plugin serves them. Its inputs are the service's cluster inputs, its
    /// MetaRouters and the cluster inputs of every host they route to — the listener that refers to
    /// the routes by name reads none of the MetaRouters, so a MetaRouter edit rebuilds only this.
    /// Only routes some listener of the scope refers to are served (a service shadowed on a shared
    /// listener, or one whose listener fell back to `tcp_proxy`, has none).
    func addRoutes(
        of view: ProxyView, scope: ScopeKey, catalog: ClusterCatalog, entriesByHost: [String: ProxyView.Entry], to out: inout Outbound
    ) throws {
        let referenced = Set(out.listeners.flatMap(\.routeReferences))
        for entry in view.entries {
            for port in entry.service.ports {
                guard let built = try routeEntry(entry, port: port, view: view, scope: scope, catalog: catalog, entriesByHost: entriesByHost) else { continue }
                let served = built.resources.filter { referenced.contains($0.name) }
                guard !served.isEmpty else { continue }
                out.diagnostics += built.diagnostics
                out.routes += served
            }
        }
    }

    /// The route entry of `entry` on `port` (a service port, or a gateway server port bound to the
    /// service); nil when the port's plugin serves no route resources.
    func routeEntry(
        _ entry: ProxyView.Entry, port: MeshServicePort, view: ProxyView, scope: ScopeKey, catalog: ClusterCatalog,
        entriesByHost: [String: ProxyView.Entry]
    ) throws -> ResourceTable.Entry? {
        let plugin = registry.plugin(for: port.protocol)
        guard plugin.servesRouteResources else { return nil }
        let routedHosts = entry.metaRoutedHosts
        let inputs = entry.routeInputs + routedHosts.flatMap { entriesByHost[$0]?.clusterInputs ?? [] } + codecInputs([port])
        let name = "\(entry.service.hostname)_\(port.number)"
        return try table.entry(ResourceKey(kind: .routes, name: name, variant: .scope(scope), inputs: inputs)) {
            var rules: [String: EffectiveDestinationRule] = [:]
            for host in [entry.service.hostname.lowercased()] + routedHosts {
                if let rule = entriesByHost[host]?.destinationRule { rules[host] = rule }
            }
            let context = RouteContext(binding: ProxyView.binding(entry, port: port), proxy: view.proxy, catalog: catalog, destinationRules: rules)
            let output: PluginOutput
            do {
                output = try plugin.routeResources(context)
            } catch {
                return ResourceTable.Entry(resources: [], diagnostics: [Diagnostic(failure: error, config: entry.service.source, "\(name): \(error); no routes served")])
            }
            return ResourceTable.Entry(
                resources: try output.routes.map { try PreparedResource($0) }, diagnostics: output.diagnostics.map { $0.within(name) }
            )
        }
    }

    /// The ApplicationProtocols that register the codecs of `ports` (MetaProtocol ports), as inputs:
    /// a codec added, changed or removed rebuilds what uses it.
    func codecInputs(_ ports: [MeshServicePort]) -> [Dependency] {
        ports.compactMap { port in
            guard case .metaProtocol(let application, _) = port.protocol, let key = index.codecSources[application] else { return nil }
            return .config(key)
        }
    }

    /// A router proxy's outbound listeners: those of the Gateways selecting it (MetaProtocol servers
    /// bound by a MetaRouter), and their route configurations; no sidecar listeners, no `virtualOutbound`.
    func addGatewayListeners(
        of view: ProxyView, scope: ScopeKey, catalog: ClusterCatalog, entriesByHost: [String: ProxyView.Entry], to out: inout Outbound
    ) throws {
        let builder = GatewayListenerBuilder(registry: registry, index: index, view: view, options: options)
        var servedRoutes = Set<String>()
        for plan in builder.plans(entriesByHost: entriesByHost, diagnostics: &out.diagnostics) {
            let key = ResourceKey(kind: .listener, name: "gateway|" + plan.name, variant: .scope(scope), inputs: plan.inputs)
            let built = try table.entry(key) {
                var diagnostics: [Diagnostic] = []
                guard let (listener, output) = builder.listener(plan, catalog: catalog, diagnostics: &diagnostics) else {
                    return ResourceTable.Entry(resources: [], diagnostics: diagnostics)
                }
                return ResourceTable.Entry(resources: [try PreparedResource(listener, routeReferences: output.routeReferences)], diagnostics: diagnostics)
            }
            out.diagnostics += built.diagnostics
            out.listeners += built.resources
            let referenced = Set(built.resources.flatMap(\.routeReferences))
            guard !referenced.isEmpty,
                let routes = try routeEntry(plan.entry, port: plan.binding.port, view: view, scope: scope, catalog: catalog, entriesByHost: entriesByHost)
            else { continue }
            for route in routes.resources where referenced.contains(route.name) && servedRoutes.insert(route.name).inserted {
                out.routes.append(route)
            }
            out.diagnostics += routes.diagnostics
        }
    }
}
