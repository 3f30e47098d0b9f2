import Mesh
import Protocols
import Testing

@Suite("Plugin registry")
struct PluginRegistryTests {
    @Test("the standard registry keys HTTP, Dubbo and Thrift by name and falls back to tcp_proxy")
    func standard() {
        let registry = PluginRegistry.standard
        #expect(registry.names == ["dubbo", "grpc", "grpc-web", "http", "http2", "thrift"])
        #expect(registry.plugin(for: .grpc) is HTTPPlugin)
        #expect(registry.plugin(for: .dubbo) is DubboPlugin)
        #expect(registry.plugin(for: .thrift) is ThriftPlugin)
        #expect(registry.plugin(for: .redis) is TCPProxyPlugin)
        #expect(registry.plugin(for: .tcp) is TCPProxyPlugin)
        #expect(registry.plugin(for: .unknown) is TCPProxyPlugin)
    }
}
