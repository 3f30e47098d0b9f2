import Testing
import XDSCache

@Suite("Type URLs")
struct TypeURLTests {
    @Test("ADS pushes clusters, endpoints, listeners, routes, then secrets, runtime and extension configs")
    func pushOrder() {
        let main = TypeURL.pushOrder.filter {
            [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, TypeURL.route, TypeURL.secret, TypeURL.runtime,
             TypeURL.extensionConfig].contains($0)
        }
        #expect(main == [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, TypeURL.route, TypeURL.secret,
                         TypeURL.runtime, TypeURL.extensionConfig])
        #expect(TypeURL.pushRank(TypeURL.leds) > TypeURL.pushRank(TypeURL.endpoint))
        #expect(TypeURL.pushRank(TypeURL.leds) < TypeURL.pushRank(TypeURL.listener))
        #expect(TypeURL.pushRank("type.googleapis.com/unknown") == TypeURL.pushOrder.count)
        #expect(Set(TypeURL.pushOrder).count == TypeURL.pushOrder.count)
    }

    @Test("Only listeners and clusters are full state in SotW")
    func fullState() {
        #expect(TypeURL.isFullState(TypeURL.cluster) && TypeURL.isFullState(TypeURL.listener))
        #expect(!TypeURL.isFullState(TypeURL.endpoint) && !TypeURL.isFullState(TypeURL.route))
    }
}
