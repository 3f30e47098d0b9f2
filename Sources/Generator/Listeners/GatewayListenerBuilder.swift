internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// The listeners of the Gateways that select a router proxy (`router~…`): one `0.0.0.0_<port>`
/// listener, bound to its port, per Gateway server whose port is a MetaProtocol port
/// (`tcp-metaprotocol-<application>-…`) and that a MetaRouter binds through its `gateways`. The
/// listener holds the outbound `meta_protocol_proxy` of the MetaRouter's host, with the routes
/// `<host>_<port>` over RDS — generated directly, with no VirtualService in between, one name per
/// server port (Aeraki fabricates a VirtualService and renames filters when a gateway has several).
struct GatewayListenerBuilder {
    /// One planned gateway listener.
    struct Plan {
        /// `0.0.0.0_<port>`.
        var name: String
        /// The MetaRouter's service, with the server's port and protocol.
        var binding: ServiceBinding
        /// The service's view entry (for its route configuration).
        var entry: ProxyView.Entry
        /// The Gateway of the server, which diagnostics about the listener name.
        var gateway: ConfigKey
        /// The Gateway, the MetaRouter and the service's cluster inputs.
        var inputs: [Dependency]
    }

    let registry: PluginRegistry
    let index: MeshIndex
    let view: ProxyView
    let options: GeneratorOptions

    /// The listeners to build for the view's router proxy, in Gateway (oldest first) and server order.
    func plans(entriesByHost: [String: ProxyView.Entry], diagnostics: inout [Diagnostic]) -> [Plan] {
        var plans: [Plan] = []
        for gateway in index.gateways(selecting: view.proxy) {
            let label = "gateway \(gateway.key.namespace)/\(gateway.key.name)"
            for server in gateway.spec.servers {
                let serverProtocol = MeshProtocol.detect(portName: server.port.name, protocol: server.port.protocol, codecs: index.codecs)
                guard case .metaProtocol(let application, _) = serverProtocol else {
                    diagnostics.append(Diagnostic(
                        .unsupportedFeature, config: gateway.key,
                        "\(label) port \(server.port.number) (\(server.port.name)): only MetaProtocol servers are generated for gateways"
                    ))
                    continue
                }
                let routers = index.metaRouters(boundTo: gateway.key).filter { router in
                    router.spec.hosts.first.map { entriesByHost[$0.lowercased()] != nil } ?? false
                }
                guard let router = routers.first, let entry = entriesByHost[router.spec.hosts[0].lowercased()], var port = entry.service.ports.first else {
                    diagnostics.append(Diagnostic(
                        .unboundGateway, config: gateway.key, "\(label) port \(server.port.number): no MetaRouter with a known host binds this gateway; no listener"
                    ))
                    continue
                }
                diagnostics += Diagnostic.shadowed(routers.dropFirst().map(\.key), by: router.key, in: "\(label) port \(server.port.number)")
                let name = "0.0.0.0_\(server.port.number)"
                if plans.contains(where: { $0.name == name }) {
                    diagnostics.append(Diagnostic(
                        .portConflict, config: gateway.key, "\(label) port \(server.port.number): another gateway server already listens on \(name); skipped"
                    ))
                    continue
                }
                port.number = server.port.number
                port.name = server.port.name
                port.declaredProtocol = server.port.protocol
                port.targetPort = 0
                port.protocol = serverProtocol
                var inputs: [Dependency] = [.config(gateway.key), .config(router.key)] + entry.clusterInputs
                if let codec = index.codecSources[application] { inputs.append(.config(codec)) }
                plans.append(Plan(name: name, binding: ProxyView.binding(entry, port: port), entry: entry, gateway: gateway.key, inputs: inputs))
            }
        }
        return plans
    }

    /// The listener of `plan`, with the plugin's output (for the routes it refers to); nil, with a
    /// diagnostic, when the plugin cannot configure it (a gateway has no `tcp_proxy` fallback: the
    /// server's port need not be a service port).
    func listener(_ plan: Plan, catalog: ClusterCatalog, diagnostics: inout [Diagnostic]) -> (Envoy_Config_Listener_V3_Listener, PluginOutput)? {
        let port = plan.binding.port.number
        let context = OutboundContext(
            listenerPort: port, listenerName: plan.name, bindings: [plan.binding], proxy: view.proxy, catalog: catalog,
            accessLog: options.accessLog, tracingSampling: options.tracingSampling,
            defaultHTTPRetryPolicy: options.defaultHTTPRetryPolicy
        )
        let output: PluginOutput
        do {
            output = try registry.plugin(for: plan.binding.port.protocol).outboundFilters(context)
        } catch {
            diagnostics.append(Diagnostic(failure: error, config: plan.gateway, "\(plan.name): \(error); no gateway listener"))
            return nil
        }
        diagnostics.append(contentsOf: output.diagnostics.map { $0.within(plan.name) })
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = plan.name
        listener.address = Proto.address("0.0.0.0", port: port)
        listener.trafficDirection = .outbound
        listener.filterChains = [Proto.filterChain(name: plan.name, filters: output.filters)]
        return (listener, output)
    }
}
