import Mesh
import Testing

@Suite("Proxy capabilities")
struct ProxyCapabilitiesTests {
    @Test("a comma-separated list in AERAKI_CAPABILITIES, trimmed, unknown names kept")
    func parsed() {
        let proxy = ProxyIdentity(
            ipAddresses: ["10.0.0.1"], workloadName: "a", namespace: "demo",
            metadata: [ProxyCapabilities.metadataKey: " meta_protocol_proxy, ,dubbo_rbac,future_filter"]
        )
        #expect(proxy.capabilities.has(.metaProtocolProxy))
        #expect(proxy.capabilities.has(.dubboRBAC))
        #expect(!proxy.capabilities.has(.kafkaBroker))
        #expect(proxy.capabilities.names == ["meta_protocol_proxy", "dubbo_rbac", "future_filter"])
    }

    @Test("a proxy that announces nothing has no capability")
    func none() {
        let proxy = ProxyIdentity(ipAddresses: ["10.0.0.1"], workloadName: "a", namespace: "demo")
        #expect(ProxyCapabilities.Capability.allCases.allSatisfy { !proxy.capabilities.has($0) })
    }
}
