import Generator
import Mesh
import Testing

@Suite("Per-proxy rule lookups")
struct ScopedRulesTests {
    @Test("the precomputed lookups give the same DestinationRules and VirtualServices as the mesh index, on every golden case")
    func sameAsIndex() throws {
        for golden in GoldenCase.all {
            let (index, _) = golden.index()
            let proxy = try golden.proxy()
            let view = ProxyView(index: index, proxy: proxy, options: .defaults)
            for entry in view.entries + view.ownServices {
                let host = entry.service.hostname
                let expected = index.destinationRule(for: host, proxy: proxy)
                #expect(entry.destinationRule?.subsets == expected?.subsets, "\(golden.name) \(host)")
                #expect(entry.destinationRule?.trafficPolicy == expected?.trafficPolicy, "\(golden.name) \(host)")
                for port in entry.service.ports {
                    for subset in [""] + entry.subsets {
                        #expect(entry.destinationRule?.trafficPolicy(port: port.number, subset: subset)
                            == expected?.trafficPolicy(port: port.number, subset: subset), "\(golden.name) \(host) \(port.number) \(subset)")
                    }
                }
                #expect(entry.virtualServices.map(\.key) == index.virtualServices(for: host, proxy: proxy).map(\.key), "\(golden.name) \(host)")
            }
        }
    }
}
