internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The parts of a `MetaProtocolProxy` that outbound and inbound share: stat prefix, application
/// protocol and codec, the filter chain, access log and tracing.
enum MetaProtocolProxyBuilder {
    /// Filter names of meta_protocol_proxy (`aeraki-behaviour.md` §8).
    enum FilterName {
        static let router = "aeraki.meta_protocol.filters.router"
        static let metadataExchange = "aeraki.meta_protocol.filters.metadata_exchange"
        static let istioStats = "aeraki.meta_protocol.filters.istio_stats"
        static let localRateLimit = "aeraki.meta_protocol.filters.local_ratelimit"
        static let globalRateLimit = "aeraki.meta_protocol.filters.ratelimit"
    }

    /// Aeraki's default text access log format for MetaProtocol requests (codec metadata, no HTTP
    /// method or path).
    static let defaultTextFormat = """
        [%START_TIME%] %REQ(X-META-PROTOCOL-APPLICATION-PROTOCOL)% %RESPONSE_CODE% %RESPONSE_CODE_DETAILS% \
        %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% \
        "%REQ(X-FORWARDED-FOR)%" "%REQ(X-REQUEST-ID)%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% \
        %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %ROUTE_NAME%

        """

    /// The same fields for the JSON encoding.
    static let defaultJSONFields: [(String, String)] = [
        ("start_time", "%START_TIME%"), ("application_protocol", "%REQ(X-META-PROTOCOL-APPLICATION-PROTOCOL)%"),
        ("response_code", "%RESPONSE_CODE%"), ("response_code_details", "%RESPONSE_CODE_DETAILS%"),
        ("connection_termination_details", "%CONNECTION_TERMINATION_DETAILS%"),
        ("upstream_transport_failure_reason", "%UPSTREAM_TRANSPORT_FAILURE_REASON%"), ("bytes_received", "%BYTES_RECEIVED%"),
        ("bytes_sent", "%BYTES_SENT%"), ("duration", "%DURATION%"), ("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"),
        ("request_id", "%REQ(X-REQUEST-ID)%"), ("upstream_cluster", "%UPSTREAM_CLUSTER%"),
        ("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"), ("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"),
        ("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"), ("route_name", "%ROUTE_NAME%"),
    ]

    /// A proxy without its route specifier: `rateLimits` first, then metadata exchange, istio stats
    /// (destination service `host`) and the router.
    static func proxy(
        statPrefix: String, codec: (application: String, codec: String), host: String, accessLog: MeshConfig.AccessLog?,
        tracingSampling: Double?, rateLimits: [Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolFilter]
    ) throws(PluginError) -> Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolProxy {
        var proxy = Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolProxy()
        proxy.statPrefix = statPrefix
        // The deprecated fields are still what the proxy's stats prefix and older builds read.
        proxy.applicationProtocol = codec.application
        var codecConfig = Aeraki_MetaProtocolProxy_V1alpha_Codec()
        codecConfig.name = codec.codec
        proxy.codec = codecConfig
        var application = Aeraki_MetaProtocolProxy_V1alpha_ApplicationProtocol()
        application.name = codec.application
        application.codec = codecConfig
        proxy.protocol = application
        var stats = Aeraki_MetaProtocolProxy_Filters_IstioStats_V1alpha_IstioStats()
        stats.destinationService = host
        proxy.metaProtocolFilters = rateLimits + [
            try filter(FilterName.metadataExchange, Aeraki_MetaProtocolProxy_Filters_MetadataExchange_V1alpha_MetadataExchange()),
            try filter(FilterName.istioStats, stats),
            try filter(FilterName.router, Aeraki_MetaProtocolProxy_Filters_Router_V1alpha_Router()),
        ]
        proxy.accessLog = try AccessLogBuilder.accessLogs(
            accessLog, plugin: MetaProtocolPlugin.pluginName, defaultText: defaultTextFormat, defaultJSON: defaultJSONFields
        )
        if let tracingSampling {
            var tracing = Aeraki_MetaProtocolProxy_V1alpha_Tracing()
            tracing.clientSampling = percent(100)
            tracing.randomSampling = percent(tracingSampling)
            tracing.overallSampling = percent(100)
            proxy.tracing = tracing
        }
        return proxy
    }

    /// A meta filter with its config packed.
    static func filter(_ name: String, _ config: any SwiftProtobuf.Message) throws(PluginError) -> Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolFilter {
        var filter = Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolFilter()
        filter.name = name
        filter.config = try Google_Protobuf_Any.packing(config, plugin: MetaProtocolPlugin.pluginName)
        return filter
    }

    private static func percent(_ value: Double) -> Envoy_Type_V3_Percent {
        var percent = Envoy_Type_V3_Percent()
        percent.value = value
        return percent
    }
}
