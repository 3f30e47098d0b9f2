import AerakiServer
import Synchronization
import Testing

@Suite("Readiness")
struct ReadinessTests {
    @Test("ready only once a store version at least as new as the source's first full config is applied")
    func order() {
        let readiness = Readiness()
        readiness.configApplied(storeVersion: 0)
        #expect(!readiness.isReady)
        readiness.sourceLoaded(storeVersion: 3)
        #expect(!readiness.isReady)
        readiness.configApplied(storeVersion: 2)
        #expect(!readiness.isReady)
        readiness.configApplied(storeVersion: 3)
        #expect(readiness.isReady)
    }

    @Test("a config applied before the source reports loaded still counts, and callbacks run once")
    func callbacks() {
        let readiness = Readiness()
        let calls = Atomic<Int>(0)
        readiness.onReady { calls.add(1, ordering: .relaxed) }
        readiness.configApplied(storeVersion: 5)
        #expect(calls.load(ordering: .relaxed) == 0)
        readiness.sourceLoaded(storeVersion: 5)
        #expect(readiness.isReady && calls.load(ordering: .relaxed) == 1)
        readiness.configApplied(storeVersion: 6)
        readiness.onReady { calls.add(1, ordering: .relaxed) }
        #expect(calls.load(ordering: .relaxed) == 2)
    }
}
