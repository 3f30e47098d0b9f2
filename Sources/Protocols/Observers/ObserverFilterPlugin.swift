internal import Mesh
internal import EnvoyAPI
internal import SwiftProtobuf

/// Manages the ports of protocols whose Envoy filter only decodes and counts (Kafka, ZooKeeper,
/// MongoDB, MySQL): the protocol's filter is inserted before the `tcp_proxy` the fallback builds,
/// outbound (`stat_prefix` `outbound|PORT||HOST`) and inbound (`inbound|PORT||`), on every port of
/// the protocol — not only a service's first one, as Aeraki did.
///
/// A filter that only some Envoy builds have (the contrib Kafka and MySQL filters) is sent only to
/// proxies that announce its capability; others keep plain `tcp_proxy` and a diagnostic says why.
/// Optional knobs come from ServiceEntry annotations (see each filter's ``ObserverFilter``).
package struct ObserverFilterPlugin: ProtocolPlugin {
    /// The filter this plugin inserts.
    package let filter: ObserverFilter
    private let terminal = TCPProxyPlugin()

    package var protocolNames: [String] { [filter.protocolName] }

    /// A plugin inserting `filter`.
    package init(_ filter: ObserverFilter) {
        self.filter = filter
    }

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        var output = try terminal.outboundFilters(context)
        try insert(statPrefix: context.primary.defaultCluster, binding: context.primary, proxy: context.proxy, into: &output)
        return output
    }

    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        var output = try terminal.inboundFilters(context)
        try insert(statPrefix: context.clusterName, binding: context.bindings[0], proxy: context.proxy, into: &output)
        return output
    }

    private func insert(statPrefix: String, binding: ServiceBinding, proxy: ProxyIdentity, into output: inout PluginOutput) throws(PluginError) {
        if let capability = filter.capability, !proxy.capabilities.has(capability) {
            output.diagnostics.append(Diagnostic(
                .missingCapability, config: binding.service.source,
                "\(filter.filterName) needs the proxy capability \(capability.rawValue) (\(ProxyCapabilities.metadataKey)); plain tcp_proxy instead"
            ))
            return
        }
        let annotations = AnnotationValues(binding.annotations, of: binding.service.source)
        let config = filter.config(statPrefix, annotations, &output.diagnostics)
        output.filters.insert(try .typed(filter.filterName, config), at: 0)
    }
}
