import Mesh
import Protocols
import Testing

@Suite("Plugin registry")
struct PluginRegistryTests {
    @Test("the standard registry keys HTTP and every Aeraki protocol with a plugin by name and falls back to tcp_proxy")
    func standard() {
        let registry = PluginRegistry.standard
        #expect(registry.names == ["dubbo", "grpc", "grpc-web", "http", "http2", "kafka", "metaprotocol", "mongo", "mysql", "redis", "thrift", "zookeeper"])
        #expect(registry.plugin(for: .grpc) is HTTPPlugin)
        #expect(registry.plugin(for: .metaProtocol(application: "tars", codec: "aeraki.meta_protocol.codec.tars")) is MetaProtocolPlugin)
        #expect(registry.plugin(for: .dubbo) is DubboPlugin)
        #expect(registry.plugin(for: .thrift) is ThriftPlugin)
        #expect(registry.plugin(for: .redis) is RedisPlugin)
        #expect((registry.plugin(for: .kafka) as? ObserverFilterPlugin)?.filter.filterName == "envoy.filters.network.kafka_broker")
        #expect((registry.plugin(for: .mysql) as? ObserverFilterPlugin)?.filter.capability == .mysqlProxy)
        #expect(registry.plugin(for: .metaProtocol(application: "brpc", codec: nil)) is MetaProtocolPlugin)  // it reports the missing codec; the fallback is tcp_proxy
        #expect(registry.plugin(for: .tcp) is TCPProxyPlugin)
        #expect(registry.plugin(for: .unknown) is TCPProxyPlugin)
    }
}
