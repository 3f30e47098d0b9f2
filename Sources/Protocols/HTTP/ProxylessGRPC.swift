package import EnvoyAPI
package import Mesh
internal import SwiftProtobuf

/// The resources of a proxyless gRPC application (node metadata `GENERATOR=grpc`), as istiod's
/// `grpcgen` builds them (Istio 1.29), limited to what gRPC's xDS client accepts: API listeners per
/// `host:port` with an HCM that fetches `outbound|PORT||HOST` over RDS, that route configuration,
/// and server listeners `xds.istio.io/grpc/lds/inbound/<ip>:<port>`.
package enum ProxylessGRPC {
    /// The prefix of server listener names (the bootstrap's `server_listener_resource_name_template`).
    package static let serverListenerPrefix = "xds.istio.io/grpc/lds/inbound/"

    /// The names a client in `proxy`'s namespace can dial `service` by (before `:port`): the FQDN,
    /// and for a service of its own namespace `name`, `name.ns` and `name.ns.svc` (istiod's
    /// `tryFindFQDN` expands only those).
    package static func clientHosts(_ service: MeshService, proxy: ProxyIdentity) -> [String] {
        let host = service.hostname.lowercased()
        let suffix = "." + proxy.dnsDomain.lowercased()
        guard host.hasSuffix(suffix) else { return [host] }
        let name = String(host.dropLast(suffix.count))
        guard !name.contains(".") else { return [host] }
        return [host, name, "\(name).\(proxy.namespace)", "\(name).\(proxy.namespace).svc"]
    }

    /// The RDS name of a service port: `outbound|PORT||HOST`, as istiod names it for gRPC.
    package static func routeName(_ binding: ServiceBinding) -> String { binding.defaultCluster }

    /// The API listener `<host>:<port>` of `binding` (`host` as the client dials it).
    /// - Throws: ``PluginError`` if the connection manager cannot be packed.
    package static func clientListener(host: String, binding: ServiceBinding) throws(PluginError) -> Envoy_Config_Listener_V3_Listener {
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "\(host):\(binding.port.number)"
        if let vip = binding.service.addresses.first(where: { !$0.contains("/") }) {
            var socket = Envoy_Config_Core_V3_SocketAddress()
            socket.address = vip
            socket.portValue = binding.port.number
            listener.address.socketAddress = socket
        }
        let hcm = try HTTPConnectionManagerBuilder.proxylessClient(routeName: routeName(binding))
        listener.apiListener.apiListener = try Google_Protobuf_Any.packing(hcm, plugin: HTTPConnectionManagerBuilder.filterName)
        return listener
    }

    /// The route configuration `outbound|PORT||HOST` of the context's single binding: its virtual
    /// host with every domain also with `:port`, VirtualService routes without what gRPC rejects.
    package static func routeConfiguration(_ context: OutboundContext) -> PluginOutput {
        var diagnostics: [Diagnostic] = []
        let config = HTTPRouteConfigurationBuilder.proxyless(
            name: routeName(context.primary), binding: context.primary, context: context, diagnostics: &diagnostics
        )
        return PluginOutput(filters: [], routes: [config], diagnostics: diagnostics)
    }

    /// The server listener for a gRPC server listening on `ip:port`: no listener filters, one
    /// plaintext chain without a match whose only filter is an HCM that accepts every request
    /// (`non_forwarding_action`) with just the router. The `stat_prefix` and the virtual host name,
    /// which gRPC ignores, keep the messages valid for Envoy's rules.
    /// - Throws: ``PluginError`` if the connection manager cannot be packed.
    package static func serverListener(ip: String, port: UInt32) throws(PluginError) -> Envoy_Config_Listener_V3_Listener {
        var route = Envoy_Config_Route_V3_Route()
        route.match.prefix = "/"
        route.nonForwardingAction = Envoy_Config_Route_V3_NonForwardingAction()
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "inbound"
        host.domains = ["*"]
        host.routes = [route]
        var hcm = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        hcm.statPrefix = "inbound_\(ip)_\(port)"
        hcm.routeConfig.name = "inbound"
        hcm.routeConfig.virtualHosts = [host]
        hcm.httpFilters = [try HTTPConnectionManagerBuilder.filter(HTTPConnectionManagerBuilder.routerFilter, Envoy_Extensions_Filters_Http_Router_V3_Router())]
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.name = "inbound-plaintext"
        chain.filters = [try .typed("inbound-hcmplaintext", hcm)]
        var listener = Envoy_Config_Listener_V3_Listener()
        let address = ip.contains(":") ? "[\(ip)]" : ip
        listener.name = "\(serverListenerPrefix)\(address):\(port)"
        var socket = Envoy_Config_Core_V3_SocketAddress()
        socket.address = ip
        socket.portValue = port
        listener.address.socketAddress = socket
        listener.filterChains = [chain]
        return listener
    }
}
