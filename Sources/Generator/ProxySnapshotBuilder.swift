public import Mesh
public import Protocols
internal import EnvoyAPI
internal import SwiftProtobuf

/// Builds the complete Envoy configuration of one proxy from what it sees of the mesh: listeners
/// (`virtualOutbound`, one per visible service address and port, `virtualInbound`), clusters
/// (`outbound|PORT|SUBSET|HOST`, `inbound|PORT||`, the special ones), endpoints and routes. Every
/// service port is handed to the registry's plugin for its protocol.
///
/// The output is deterministic: the same index and proxy give byte-identical resources.
public struct ProxySnapshotBuilder: Sendable {
    /// The protocol plugins.
    public let registry: PluginRegistry
    /// Mesh-wide options.
    public let options: GeneratorOptions

    /// A builder using `registry`.
    public init(registry: PluginRegistry, options: GeneratorOptions = .defaults) {
        self.registry = registry
        self.options = options
    }

    /// Everything `proxy` needs, built from `index`.
    public func build(index: MeshIndex, proxy: ProxyIdentity) -> GeneratedConfig {
        build(view: ProxyView(index: index, proxy: proxy, options: options), index: index)
    }

    /// Everything the proxy of `view` needs.
    public func build(view: ProxyView, index: MeshIndex) -> GeneratedConfig {
        var diagnostics: [String] = []
        let proxy = view.proxy
        let clusterBuilder = ClusterBuilder(index: index, proxy: proxy, options: options)

        // Clusters first: plugins only name clusters that exist.
        var clusters = clusterBuilder.special()
        var assignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment] = []
        var portsByHost: [String: [UInt32]] = [:]
        for entry in view.entries {
            portsByHost[entry.service.hostname] = entry.service.ports.map(\.number).sorted()
            for port in entry.service.ports {
                for output in clusterBuilder.outbound(entry, port: port, diagnostics: &diagnostics) {
                    clusters.append(output.cluster)
                    if let assignment = output.assignment { assignments.append(assignment) }
                }
            }
        }
        let catalog = ClusterCatalog(names: Set(clusters.map(\.name)), portsByHost: portsByHost)

        // Outbound listeners, one per (bind, port).
        let fallthroughCluster = view.outboundTrafficPolicy == .allowAny ? ClusterName.passthrough : ClusterName.blackHole
        let outbound = OutboundListenerBuilder(registry: registry, proxy: proxy, catalog: catalog, fallthroughCluster: fallthroughCluster)
        var listeners: [Envoy_Config_Listener_V3_Listener] = []
        var routes: [Envoy_Config_Route_V3_RouteConfiguration] = []
        var clusterOptions: [String: [String: Google_Protobuf_Any]] = [:]
        for group in ListenerGroup.groups(view, options: options, diagnostics: &diagnostics) {
            guard let (listener, output) = outbound.listener(group, diagnostics: &diagnostics) else { continue }
            listeners.append(listener)
            routes.append(contentsOf: output.routes)
            clusterOptions.merge(output.clusterOptions) { $0.merging($1) { first, _ in first } }
        }

        // Inbound chains and their clusters.
        let inbound = InboundChainBuilder(registry: registry, proxy: proxy, options: options).chains(view, diagnostics: &diagnostics)
        clusters.append(contentsOf: inbound.ports.map(clusterBuilder.inbound))

        let virtual = VirtualListeners(options: options)
        if let listener = try? virtual.outbound(policy: view.outboundTrafficPolicy) { listeners.append(listener) }
        if let listener = try? virtual.inbound(chains: inbound.chains) { listeners.append(listener) }

        for index in clusters.indices {
            guard let extra = clusterOptions[clusters[index].name] else { continue }
            clusters[index].typedExtensionProtocolOptions.merge(extra) { first, _ in first }
        }
        return GeneratedConfig(
            nodeID: proxy.id, listeners: listeners, clusters: clusters, endpoints: assignments, routes: routes, diagnostics: diagnostics
        )
    }
}
