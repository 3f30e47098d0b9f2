import Admin
import AerakiServer
import Testing

@Suite("Server configuration")
struct ConfigurationTests {
    @Test("defaults follow Istio's ports: xDS 15010, admin 15014")
    func defaults() {
        let configuration = AerakiServerConfiguration(source: .directory(paths: ["examples"], pollInterval: .seconds(1)))
        #expect(configuration.xdsPort == 15010)
        #expect(configuration.admin.port == 15014)
        #expect(configuration.tls == nil)
    }
}
