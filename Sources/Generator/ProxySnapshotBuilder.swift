public import Mesh
public import Protocols
internal import EnvoyAPI
internal import SwiftProtobuf
internal import XDSCache

/// Builds the complete Envoy configuration of one proxy from what it sees of the mesh: listeners
/// (`virtualOutbound`, one per visible service address and port, `virtualInbound`), clusters
/// (`outbound|PORT|SUBSET|HOST`, `inbound|PORT||`, the special ones), endpoints and routes. Every
/// service port is handed to the registry's plugin for its protocol.
///
/// The output is deterministic: the same index and proxy give byte-identical resources. With a
/// ``GenerationCache``, work whose inputs did not change since the last build is reused.
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

    /// Everything `proxy` needs, built from `index`, reusing `cache` (of this proxy) when given.
    public func build(index: MeshIndex, proxy: ProxyIdentity, cache: GenerationCache? = nil) -> GeneratedConfig {
        build(view: ProxyView(index: index, proxy: proxy, options: options), index: index, cache: cache)
    }

    /// Everything the proxy of `view` needs.
    public func build(view: ProxyView, index: MeshIndex, cache: GenerationCache? = nil) -> GeneratedConfig {
        var state = BuildState(cache: cache)
        let proxy = view.proxy
        let clusterBuilder = ClusterBuilder(index: index, proxy: proxy, options: options)

        // Clusters first: plugins only name clusters that exist.
        var clusters = clusterBuilder.special()
        var assignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment] = []
        var portsByHost: [String: [UInt32]] = [:]
        for entry in view.entries {
            portsByHost[entry.service.hostname] = entry.service.ports.map(\.number).sorted()
            for port in entry.service.ports {
                let endpoints = index.endpoints(of: entry.service, port: port.number)
                let key = GenerationCache.ClusterKey(
                    service: entry.service, port: port, endpoints: endpoints, rule: entry.destinationRule, ipv4Only: clusterBuilder.ipv4Only
                )
                let built = state.cluster(key) {
                    var diagnostics: [String] = []
                    let outputs = clusterBuilder.outbound(entry, port: port, endpoints: endpoints, diagnostics: &diagnostics)
                    return (outputs, diagnostics)
                }
                for output in built.outputs {
                    clusters.append(output.cluster)
                    if let assignment = output.assignment { assignments.append(assignment) }
                }
            }
        }
        let catalog = ClusterCatalog(names: Set(clusters.map(\.name)), portsByHost: portsByHost)
        let catalogVersion = Self.version(of: catalog)

        // Outbound listeners, one per (bind, port).
        let fallthroughCluster = view.outboundTrafficPolicy == .allowAny ? ClusterName.passthrough : ClusterName.blackHole
        let outbound = OutboundListenerBuilder(registry: registry, proxy: proxy, catalog: catalog, fallthroughCluster: fallthroughCluster)
        var listeners: [Envoy_Config_Listener_V3_Listener] = []
        var routes: [Envoy_Config_Route_V3_RouteConfiguration] = []
        var clusterOptions: [String: [String: Google_Protobuf_Any]] = [:]
        for group in ListenerGroup.groups(view, options: options, diagnostics: &state.diagnostics) {
            let key = GenerationCache.ListenerKey(
                name: group.name, prefixRanges: group.prefixRanges, matchesAnyDestination: group.matchesAnyDestination,
                bindings: group.bindings.map(GenerationCache.BindingKey.init), catalogVersion: catalogVersion,
                fallthroughCluster: fallthroughCluster, proxyNamespace: proxy.namespace, proxyLabels: proxy.labels
            )
            guard let built = state.listener(key, build: {
                var diagnostics: [String] = []
                let result = outbound.listener(group, diagnostics: &diagnostics)
                return result.map { ($0.0, $0.1, diagnostics) }
            }) else { continue }
            listeners.append(built.listener)
            routes.append(contentsOf: built.output.routes)
            clusterOptions.merge(built.output.clusterOptions) { $0.merging($1) { first, _ in first } }
        }

        // Inbound chains and their clusters.
        let inbound = InboundChainBuilder(registry: registry, proxy: proxy, options: options).chains(view, diagnostics: &state.diagnostics)
        clusters.append(contentsOf: inbound.ports.map(clusterBuilder.inbound))

        let virtual = VirtualListeners(options: options)
        if let listener = try? virtual.outbound(policy: view.outboundTrafficPolicy) { listeners.append(listener) }
        if let listener = try? virtual.inbound(chains: inbound.chains) { listeners.append(listener) }

        for index in clusters.indices {
            guard let extra = clusterOptions[clusters[index].name] else { continue }
            clusters[index].typedExtensionProtocolOptions.merge(extra) { first, _ in first }
            state.reusable[GeneratedConfig.reuseKey(TypeURL.cluster, clusters[index].name)] = nil
        }
        state.finish()
        var config = GeneratedConfig(
            nodeID: proxy.id, listeners: listeners, clusters: clusters, endpoints: assignments, routes: routes, diagnostics: state.diagnostics
        )
        config.reusable = state.reusable
        return config
    }

    /// A content version of the cluster catalog (listener cache key part).
    static func version(of catalog: ClusterCatalog) -> String {
        var hash = ContentHash()
        for name in catalog.names.sorted() { hash.combine(string: name) }
        for host in catalog.portsByHost.keys.sorted() {
            hash.combine(string: host)
            for port in catalog.portsByHost[host]! { hash.combine(string: String(port)) }
        }
        return hash.hex
    }
}
