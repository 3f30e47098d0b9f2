import Testing
@testable import XDSServer
import XDSCache

@Suite("Delta type state machine")
struct DeltaTypeStateTests {
    typealias State = DeltaTypeState

    static func clusters(_ names: String...) -> TypeResources {
        TypeResources(names.map { Fixtures.cluster($0) })
    }

    @Test("The first wildcard request is answered even when empty")
    func initialEmpty() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.plan(nil, nonce: 1, now: 0) == nil)
        let plan = state.plan(TypeResources([]), nonce: 1, now: 0)
        #expect(plan != nil && plan!.resources.isEmpty && plan!.removed.isEmpty)
        #expect(state.plan(TypeResources([]), nonce: 2, now: 0) == nil)
    }

    @Test("Only changes are sent; deletions are listed as removed; a NACK resends nothing")
    func changes() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.plan(Self.clusters("a", "b"), nonce: 1, now: 0)?.resources.count == 2)
        let changed = TypeResources([Fixtures.cluster("a", timeout: 5)])
        let plan = state.plan(changed, nonce: 2, now: 0)
        #expect(plan?.resources.map(\.name) == ["a"] && plan?.removed == ["b"])
        #expect(state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "2", errorMessage: "no", now: 0) == .nack(message: "no"))
        #expect(state.plan(changed, nonce: 3, now: 0) == nil)
    }

    @Test("Wildcard plus explicit name: unsubscribing the name resends it, or removes it if gone")
    func wildcardUnsubscribe() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(subscribe: ["*", "a", "x"], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        let plan = state.plan(Self.clusters("a"), nonce: 1, now: 0)
        #expect(plan?.resources.map(\.name) == ["a"] && plan?.removed == ["x"])
        _ = state.receive(subscribe: [], unsubscribe: ["a"], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.plan(Self.clusters("a"), nonce: 2, now: 0)?.resources.map(\.name) == ["a"])
        _ = state.receive(subscribe: [], unsubscribe: ["never"], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.plan(Self.clusters("a"), nonce: 3, now: 0) == nil)
    }

    @Test("Legacy wildcard survives an explicit subscribe and ends on unsubscribe *")
    func legacy() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        _ = state.receive(subscribe: ["a"], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.wildcard)
        _ = state.receive(subscribe: [], unsubscribe: ["*"], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(!state.wildcard && state.names == ["a"])
    }

    @Test("Initial versions suppress matching resources, resend others, remove missing ones")
    func initialVersions() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        let resources = Self.clusters("a", "b")
        _ = state.receive(
            subscribe: ["a", "b", "c"], unsubscribe: [],
            initialVersions: ["a": resources["a"]!.version, "b": "old", "c": "old"],
            nonce: "", errorMessage: nil, now: 0
        )
        let plan = state.plan(resources, nonce: 1, now: 0)
        #expect(plan?.resources.map(\.name) == ["b"])
        #expect(plan?.removed == ["c"])
    }

    @Test("A subscribed name that does not exist is reported removed once")
    func fastNotFound() {
        var state = State(typeURL: TypeURL.endpoint, legacyWildcard: true)
        _ = state.receive(subscribe: ["missing"], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(state.plan(TypeResources([]), nonce: 1, now: 0)?.removed == ["missing"])
        #expect(state.plan(TypeResources([]), nonce: 2, now: 0) == nil)
    }

    @Test("After the first sync a change costs its diff: only the changed and removed names, held set shared")
    func incrementalFromSharedSet() {
        let names = (0..<200).map { "cla-\($0)" }
        let v1 = TypeResources(names.map { Fixtures.assignment($0) })
        var a = State(typeURL: TypeURL.endpoint, legacyWildcard: false)
        var b = State(typeURL: TypeURL.endpoint, legacyWildcard: false)
        _ = a.receive(subscribe: names, unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        _ = b.receive(subscribe: names.reversed(), unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(a.plan(v1, nonce: 1, now: 0)?.resources.count == 200)
        #expect(b.plan(v1, nonce: 1, now: 0)?.resources.count == 200)
        let v2 = TypeResources(v1.sorted.filter { $0.name != "cla-9" }).replacing(Fixtures.assignment("cla-7", port: 99))
        let plan = a.plan(v2, nonce: 2, now: 0)
        #expect(plan?.resources.map(\.name) == ["cla-7"])
        #expect(plan?.removed == ["cla-9"])
        #expect(a.plan(v2, nonce: 3, now: 0) == nil)
        // Resubscribing the removed name reports it missing once, not on every push.
        _ = a.receive(subscribe: ["cla-9"], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        #expect(a.plan(v2, nonce: 4, now: 0)?.removed == ["cla-9"])
        #expect(a.plan(v2.replacing(Fixtures.assignment("cla-8", port: 98)), nonce: 5, now: 0)?.removed == [])
        // Streams subscribed to the same names share one set of them.
        #expect(a.names == b.names)
        let statuses = a.statuses()
        #expect(statuses.count == 200 && statuses.first { $0.name == "cla-9" }?.status == .notSent)
    }

    @Test("A response carrying a whole set gets the shared nonce s<set id>, and the ACK of that nonce counts")
    func sharedWholeSetNonce() throws {
        let set = Self.clusters("a", "b")
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "", errorMessage: nil, now: 0)
        let planned = state.plan(set, nonce: 1, now: 0)
        let plan = try #require(planned)
        #expect(plan.wholeSet?.id == set.id)
        let wire = state.chooseWireNonce(for: plan)
        #expect(wire.shared && wire.nonce == "s\(set.id)")
        #expect(state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: "1", errorMessage: nil, now: 0) == .stale)
        #expect(state.receive(subscribe: [], unsubscribe: [], initialVersions: [:], nonce: wire.nonce, errorMessage: nil, now: 0) == .ack)
        // A partial response is never shared.
        let partialPlan = state.plan(set.replacing(Fixtures.cluster("a", timeout: 9)), nonce: 2, now: 0)
        let partial = try #require(partialPlan)
        #expect(partial.wholeSet == nil && !state.chooseWireNonce(for: partial).shared)
    }
}
