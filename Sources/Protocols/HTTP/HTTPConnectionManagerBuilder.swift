internal import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

/// Envoy's `HttpConnectionManager` as istiod's `buildHTTPConnectionManager` fills it for a sidecar
/// (Istio 1.29, default mesh config), and the HTTP filters in istiod's order.
///
/// Istio-proxy's own filters (`istio.metadata_exchange`, `istio.alpn`, `istio.stats`) are left out,
/// as on the TCP chains: they exist only in istio-proxy builds and carry telemetry, not routing.
/// The `tracing` block carries istiod's sampling (mesh `enableTracing`,
/// `defaultConfig.tracing.sampling`) but not its custom tags, which name the workload (canonical
/// service, namespace) and would make the shared connection manager per proxy; the tracer itself
/// lives in the bootstrap.
enum HTTPConnectionManagerBuilder {
    /// The network filter's name.
    static let filterName = "envoy.filters.network.http_connection_manager"
    /// The router filter's name (always last).
    static let routerFilter = "envoy.filters.http.router"
    static let grpcWebFilter = "envoy.filters.http.grpc_web"
    static let grpcStatsFilter = "envoy.filters.http.grpc_stats"

    /// Who the connection manager serves.
    enum Side {
        /// A sidecar's outbound listener, with RDS.
        case outbound
        /// A sidecar's `virtualInbound` chain, with an inline route configuration.
        case inbound
    }

    /// The sidecar connection manager of `side`: `stat_prefix` (with Istio's `;` delimiter), no
    /// remote address, path normalisation, websocket upgrades, no stream idle timeout, 100-continue
    /// proxied, UUID request ids used for trace sampling, the mesh access log, and with tracing on
    /// (`tracingSampling` not nil) istiod's sampling: client and overall 100 %, random `tracingSampling` %.
    /// Inbound also names the server `istio-envoy`, appends the client certificate details and speaks
    /// HTTP/2 on HTTP/2 ports.
    static func sidecar(
        _ side: Side, statPrefix: String, protocol: MeshProtocol, accessLog: MeshConfig.AccessLog?, tracingSampling: Double?
    ) throws(PluginError) -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager {
        var hcm = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        hcm.statPrefix = statPrefix + ";"
        hcm.httpFilters = try filters(protocol: `protocol`)
        hcm.useRemoteAddress = Google_Protobuf_BoolValue(false)
        hcm.normalizePath = Google_Protobuf_BoolValue(true)
        hcm.pathWithEscapedSlashesAction = .keepUnchanged
        var websocket = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.UpgradeConfig()
        websocket.upgradeType = "websocket"
        hcm.upgradeConfigs = [websocket]
        hcm.streamIdleTimeout = Google_Protobuf_Duration()
        hcm.proxy100Continue = true
        var uuid = Envoy_Extensions_RequestId_Uuid_V3_UuidRequestIdConfig()
        uuid.useRequestIDForTraceSampling = Google_Protobuf_BoolValue(true)
        hcm.requestIDExtension.typedConfig = try Google_Protobuf_Any.packing(uuid, plugin: filterName)
        hcm.accessLog = try AccessLogBuilder.accessLogs(accessLog, plugin: filterName)
        if let tracingSampling { hcm.tracing = tracing(sampling: tracingSampling) }
        if side == .inbound {
            hcm.serverName = "istio-envoy"
            hcm.forwardClientCertDetails = .appendForward
            var details = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.SetCurrentClientCertDetails()
            details.subject = Google_Protobuf_BoolValue(true)
            details.uri = true
            details.dns = true
            hcm.setCurrentClientCertDetails = details
            if `protocol`.isHTTP2 { hcm.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions() }
        }
        return hcm
    }

    /// istiod's `configureSampling` without a Telemetry resource: every client-forced and overall
    /// trace kept, `sampling` percent of the rest sampled at random.
    static func tracing(sampling: Double) -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.Tracing {
        var tracing = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.Tracing()
        tracing.clientSampling = Envoy_Type_V3_Percent.with { $0.value = 100 }
        tracing.overallSampling = Envoy_Type_V3_Percent.with { $0.value = 100 }
        tracing.randomSampling = Envoy_Type_V3_Percent.with { $0.value = sampling }
        return tracing
    }

    /// The sidecar HTTP filters: [grpc_web on gRPC-Web ports], grpc_stats, fault, cors, router.
    static func filters(protocol: MeshProtocol) throws(PluginError) -> [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] {
        var grpcStats = Envoy_Extensions_Filters_Http_GrpcStats_V3_FilterConfig()
        grpcStats.emitFilterState = true
        grpcStats.statsForAllMethods = Google_Protobuf_BoolValue(false)
        var filters: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] = []
        if `protocol` == .grpcWeb { filters.append(try filter(grpcWebFilter, Envoy_Extensions_Filters_Http_GrpcWeb_V3_GrpcWeb())) }
        filters += [
            try filter(grpcStatsFilter, grpcStats),
            try filter(HTTPRoutePolicies.faultFilter, Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault()),
            try filter(HTTPRoutePolicies.corsFilter, Envoy_Extensions_Filters_Http_Cors_V3_Cors()),
            try filter(routerFilter, Envoy_Extensions_Filters_Http_Router_V3_Router()),
        ]
        return filters
    }

    /// The connection manager of a proxyless gRPC client's API listener: only the fault and router
    /// filters and RDS over ADS (gRPC reads nothing else and rejects unknown filters). The
    /// `stat_prefix` (the route name), which gRPC ignores, keeps the message valid for Envoy's rules.
    static func proxylessClient(routeName: String) throws(PluginError) -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager {
        var hcm = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        hcm.statPrefix = routeName
        hcm.httpFilters = [
            try filter(HTTPRoutePolicies.faultFilter, Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault()),
            try filter(routerFilter, Envoy_Extensions_Filters_Http_Router_V3_Router()),
        ]
        hcm.rds = adsRDS(routeName, fetchTimeout: false)
        return hcm
    }

    /// An HTTP filter with its typed config.
    static func filter(_ name: String, _ config: any SwiftProtobuf.Message) throws(PluginError) -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter {
        var filter = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        filter.name = name
        filter.typedConfig = try Google_Protobuf_Any.packing(config, plugin: filterName)
        return filter
    }

    /// RDS over ADS as istiod configures it; for sidecars (`fetchTimeout`) with
    /// `initial_fetch_timeout: 0s`, so Envoy never waits, and the V3 API version.
    static func adsRDS(_ routeName: String, fetchTimeout: Bool = true) -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds {
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        if fetchTimeout {
            source.initialFetchTimeout = Google_Protobuf_Duration()
            source.resourceApiVersion = .v3
        }
        var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
        rds.configSource = source
        rds.routeConfigName = routeName
        return rds
    }
}
