internal import EnvoyAPI
internal import MeshAPI
internal import SwiftProtobuf

/// The message types that appear in served resources, top level or inside `typed_config` Anys,
/// registered so `/debug/config_dump` can render cached resource bytes as JSON.
package enum GeneratedMessageTypes {
    static let all: [any SwiftProtobuf.Message.Type] = [
        Envoy_Config_Cluster_V3_Cluster.self,
        Envoy_Config_Endpoint_V3_ClusterLoadAssignment.self,
        Envoy_Config_Listener_V3_Listener.self,
        Envoy_Config_Route_V3_RouteConfiguration.self,
        Envoy_Extensions_Filters_Listener_OriginalDst_V3_OriginalDst.self,
        Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.self,
        Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy.self,
        Envoy_Extensions_Filters_Network_DubboProxy_V3_RouteConfiguration.self,
        Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration.self,
        Envoy_Extensions_Filters_Network_DubboProxy_Router_V3_Router.self,
        Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy.self,
        Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration.self,
        Envoy_Extensions_Filters_Network_ThriftProxy_Router_V3_Router.self,
        Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self,
        Envoy_Extensions_Filters_Http_Router_V3_Router.self,
        Envoy_Extensions_Filters_Http_GrpcStats_V3_FilterConfig.self,
        Envoy_Extensions_Filters_Http_GrpcWeb_V3_GrpcWeb.self,
        Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault.self,
        Envoy_Extensions_Filters_Http_Cors_V3_Cors.self,
        Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy.self,
        Envoy_Extensions_Filters_Listener_HttpInspector_V3_HttpInspector.self,
        Envoy_Extensions_RequestId_Uuid_V3_UuidRequestIdConfig.self,
        Envoy_Extensions_Retry_Host_PreviousHosts_V3_PreviousHostsPredicate.self,
        Envoy_Extensions_Retry_Priority_PreviousPriorities_V3_PreviousPrioritiesConfig.self,
        Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.self,
        Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext.self,
        Envoy_Extensions_TransportSockets_Tls_V3_DownstreamTlsContext.self,
        Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog.self,
        Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy.self,
        Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProtocolOptions.self,
        Envoy_Extensions_Clusters_Redis_V3_RedisClusterConfig.self,
        Envoy_Extensions_Filters_Network_ZookeeperProxy_V3_ZooKeeperProxy.self,
        Envoy_Extensions_Filters_Network_MongoProxy_V3_MongoProxy.self,
        Envoy_Extensions_Filters_Network_KafkaBroker_V3_KafkaBroker.self,
        Envoy_Extensions_Filters_Network_MysqlProxy_V3_MySQLProxy.self,
        Envoy_Extensions_Filters_Network_ThriftProxy_Filters_Ratelimit_V3_RateLimit.self,
        Envoy_Extensions_Filters_Network_LocalRatelimit_V3_LocalRateLimit.self,
        Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.self,
        Envoy_Extensions_Filters_Listener_TlsInspector_V3_TlsInspector.self,
        Envoy_Extensions_Filters_Network_Rbac_V3_RBAC.self,
        Envoy_Extensions_Filters_Http_Rbac_V3_RBAC.self,
        Envoy_Extensions_TransportSockets_RawBuffer_V3_RawBuffer.self,
        Envoy_Extensions_Filters_Network_GenericProxy_V3_GenericProxy.self,
        Envoy_Extensions_Filters_Network_GenericProxy_Codecs_Dubbo_V3_DubboCodecConfig.self,
        Envoy_Extensions_Filters_Network_GenericProxy_Router_V3_Router.self,
        Envoy_Extensions_Filters_Network_GenericProxy_Action_V3_RouteAction.self,
        Envoy_Extensions_Filters_Network_GenericProxy_Matcher_V3_MethodMatchInput.self,
        Envoy_Extensions_Filters_Network_GenericProxy_Matcher_V3_PropertyMatchInput.self,
        Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolProxy.self,
        Aeraki_MetaProtocolProxy_Filters_Router_V1alpha_Router.self,
        Aeraki_MetaProtocolProxy_Filters_MetadataExchange_V1alpha_MetadataExchange.self,
        Aeraki_MetaProtocolProxy_Filters_IstioStats_V1alpha_IstioStats.self,
        Aeraki_MetaProtocolProxy_Filters_LocalRatelimit_V1alpha_LocalRateLimit.self,
        Aeraki_MetaProtocolProxy_Filters_Ratelimit_V1alpha_RateLimit.self,
    ]

    /// Registers every type for JSON `Any` (idempotent; the registry is process-wide).
    package static func register() {
        for type in all {
            Google_Protobuf_Any.register(messageType: type)
        }
    }
}
