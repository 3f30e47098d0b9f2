package import Mesh
internal import Foundation
internal import EnvoyAPI
internal import MeshAPI
package import SwiftProtobuf

/// One observing network filter: its protocol, Envoy name, the capability a proxy must announce for
/// it (contrib filters), and how its config is built from a stat prefix and the ServiceEntry's
/// annotations (bad values are reported and ignored).
package struct ObserverFilter: Sendable {
    /// The protocol name (``PluginRegistry`` key).
    package var protocolName: String
    /// The network filter's name.
    package var filterName: String
    /// The capability a proxy needs for the filter; nil for filters in every Envoy build.
    package var capability: ProxyCapabilities.Capability?
    /// The filter's config for a stat prefix and the ServiceEntry's annotations.
    package var config: @Sendable (_ statPrefix: String, _ annotations: AnnotationValues, _ diagnostics: inout [Diagnostic]) -> any SwiftProtobuf.Message

    /// Envoy's contrib `envoy.filters.network.kafka_broker` (metrics per request and response
    /// type). Needs ``ProxyCapabilities/Capability/kafkaBroker``. Annotation
    /// `kafka.aeraki.io/force-response-rewrite: "true"` makes the filter re-serialize upstream
    /// responses instead of passing their bytes through (`force_response_rewrite`).
    package static let kafka = ObserverFilter(
        protocolName: "kafka", filterName: "envoy.filters.network.kafka_broker", capability: .kafkaBroker
    ) { statPrefix, annotations, diagnostics in
        var config = Envoy_Extensions_Filters_Network_KafkaBroker_V3_KafkaBroker()
        config.statPrefix = statPrefix
        if let value = annotations.bool("kafka.aeraki.io/force-response-rewrite", &diagnostics) { config.forceResponseRewrite = value }
        return config
    }

    /// Envoy's `envoy.filters.network.zookeeper_proxy` (metrics per opcode). Annotations:
    /// `zookeeper.aeraki.io/max-packet-bytes` (default 1 MiB), `zookeeper.aeraki.io/latency-threshold`
    /// (a duration such as `100ms`: turns on the latency threshold metrics with that default),
    /// `zookeeper.aeraki.io/per-opcode-bytes-metrics: "true"` (request and response bytes per opcode).
    package static let zookeeper = ObserverFilter(
        protocolName: "zookeeper", filterName: "envoy.filters.network.zookeeper_proxy", capability: nil
    ) { statPrefix, annotations, diagnostics in
        var config = Envoy_Extensions_Filters_Network_ZookeeperProxy_V3_ZooKeeperProxy()
        config.statPrefix = statPrefix
        if let bytes = annotations.uint32("zookeeper.aeraki.io/max-packet-bytes", &diagnostics) {
            config.maxPacketBytes = Google_Protobuf_UInt32Value(bytes)
        }
        if let threshold = annotations.duration("zookeeper.aeraki.io/latency-threshold", &diagnostics) {
            config.enableLatencyThresholdMetrics = true
            config.defaultLatencyThreshold = threshold
        }
        if annotations.bool("zookeeper.aeraki.io/per-opcode-bytes-metrics", &diagnostics) == true {
            config.enablePerOpcodeRequestBytesMetrics = true
            config.enablePerOpcodeResponseBytesMetrics = true
        }
        return config
    }

    /// Envoy's `envoy.filters.network.mongo_proxy` (metrics per operation, collection and
    /// command). Annotations: `mongo.aeraki.io/emit-dynamic-metadata: "true"` (operation metadata
    /// for later filters, e.g. RBAC), `mongo.aeraki.io/commands` (comma-separated commands that
    /// get per-command metrics; Envoy's default list when absent).
    package static let mongo = ObserverFilter(
        protocolName: "mongo", filterName: "envoy.filters.network.mongo_proxy", capability: nil
    ) { statPrefix, annotations, diagnostics in
        var config = Envoy_Extensions_Filters_Network_MongoProxy_V3_MongoProxy()
        config.statPrefix = statPrefix
        if let value = annotations.bool("mongo.aeraki.io/emit-dynamic-metadata", &diagnostics) { config.emitDynamicMetadata = value }
        if let commands = annotations["mongo.aeraki.io/commands"] {
            config.commands = commands.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return config
    }

    /// Envoy's contrib `envoy.filters.network.mysql_proxy` (metrics per command and, with dynamic
    /// metadata, per table). Needs ``ProxyCapabilities/Capability/mysqlProxy``. No knobs: the
    /// filter has only its stat prefix and an access log path.
    package static let mysql = ObserverFilter(
        protocolName: "mysql", filterName: "envoy.filters.network.mysql_proxy", capability: .mysqlProxy
    ) { statPrefix, _, _ in
        var config = Envoy_Extensions_Filters_Network_MysqlProxy_V3_MySQLProxy()
        config.statPrefix = statPrefix
        return config
    }
}
