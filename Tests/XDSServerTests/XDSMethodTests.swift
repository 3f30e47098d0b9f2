import Testing
import XDSServer

@Suite("Method paths")
struct XDSMethodTests {
    @Test("ADS methods are under the aggregated discovery service")
    func adsPaths() {
        #expect(XDSMethod.streamAggregatedResources.hasPrefix("/envoy.service.discovery.v3.AggregatedDiscoveryService/"))
        #expect(XDSMethod.deltaAggregatedResources.hasSuffix("/DeltaAggregatedResources"))
    }
}
