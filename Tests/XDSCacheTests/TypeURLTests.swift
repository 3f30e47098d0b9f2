import Testing
import XDSCache

@Suite("Type URLs")
struct TypeURLTests {
    @Test("ADS pushes clusters, then endpoints, then listeners, then routes")
    func pushOrder() {
        #expect(Array(TypeURL.pushOrder.prefix(4)) == [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, TypeURL.route])
        #expect(Set(TypeURL.pushOrder).count == TypeURL.pushOrder.count)
    }
}
