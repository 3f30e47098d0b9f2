import EnvoyAPI
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing

@Suite("Observing filters (Kafka, ZooKeeper, MongoDB, MySQL)")
struct ObserverFilterPluginTests {
    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: zk
          namespace: data
          annotations: {zookeeper.aeraki.io/max-packet-bytes: "2048", zookeeper.aeraki.io/latency-threshold: 1.5s, mongo.aeraki.io/emit-dynamic-metadata: maybe}
        spec:
          hosts: [zk.data.svc.cluster.local]
          ports: [{number: 2181, name: tcp-zookeeper}, {number: 2182, name: tcp-zookeeper-admin}]
          resolution: STATIC
        """

    @Test("the filter goes before tcp_proxy on every port, with the spec's stat prefixes and the annotation knobs")
    func zookeeper() throws {
        let fixture = try MeshFixture(Self.yaml)
        let plugin = ObserverFilterPlugin(.zookeeper)
        for port: UInt32 in [2181, 2182] {
            let output = try plugin.outboundFilters(fixture.outbound(["zk.data.svc.cluster.local"], port: port))
            #expect(output.filters.map(\.name) == ["envoy.filters.network.zookeeper_proxy", "envoy.filters.network.tcp_proxy"])
            let config = try Envoy_Extensions_Filters_Network_ZookeeperProxy_V3_ZooKeeperProxy(unpackingAny: output.filters[0].typedConfig)
            #expect(config.statPrefix == "outbound|\(port)||zk.data.svc.cluster.local")
            #expect(config.maxPacketBytes.value == 2048)
            #expect(config.enableLatencyThresholdMetrics && config.defaultLatencyThreshold.seconds == 1 && config.defaultLatencyThreshold.nanos == 500_000_000)
        }
        let inbound = InboundContext(targetPort: 2181, bindings: [fixture.binding("zk.data.svc.cluster.local", port: 2181)], proxy: fixture.proxy)
        let output = try plugin.inboundFilters(inbound)
        let config = try Envoy_Extensions_Filters_Network_ZookeeperProxy_V3_ZooKeeperProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(config.statPrefix == "inbound|2181||")
    }

    @Test("a contrib filter reaches only proxies announcing its capability; the others keep tcp_proxy and learn why")
    func capabilityGate() throws {
        let fixture = try MeshFixture(Self.yaml)
        var context = fixture.outbound(["zk.data.svc.cluster.local"], port: 2181)
        let without = try ObserverFilterPlugin(.kafka).outboundFilters(context)
        #expect(without.filters.map(\.name) == ["envoy.filters.network.tcp_proxy"])
        #expect(without.diagnostics.contains { $0.message.contains("kafka_broker") })
        context.proxy.metadata[ProxyCapabilities.metadataKey] = "mysql_proxy, kafka_broker"
        let with = try ObserverFilterPlugin(.kafka).outboundFilters(context)
        #expect(with.filters.map(\.name) == ["envoy.filters.network.kafka_broker", "envoy.filters.network.tcp_proxy"])
        let config = try Envoy_Extensions_Filters_Network_KafkaBroker_V3_KafkaBroker(unpackingAny: with.filters[0].typedConfig)
        #expect(config.statPrefix == "outbound|2181||zk.data.svc.cluster.local")
    }

    @Test("an annotation that does not parse is reported and ignored")
    func badAnnotation() throws {
        let fixture = try MeshFixture(Self.yaml)
        let output = try ObserverFilterPlugin(.mongo).outboundFilters(fixture.outbound(["zk.data.svc.cluster.local"], port: 2181))
        let config = try Envoy_Extensions_Filters_Network_MongoProxy_V3_MongoProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(!config.emitDynamicMetadata)
        #expect(output.diagnostics.contains { $0.message.contains("mongo.aeraki.io/emit-dynamic-metadata") })
    }
}
