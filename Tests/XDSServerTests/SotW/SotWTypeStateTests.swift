import Testing
@testable import XDSServer
import XDSCache

@Suite("SotW type state machine")
struct SotWTypeStateTests {
    typealias State = SotWTypeState

    static func eds(_ names: String...) -> TypeResources {
        TypeResources(names.map { Fixtures.assignment($0) })
    }

    @Test("The first request is answered from the snapshot, then an ACK produces nothing")
    func initialThenAck() {
        var state = State(typeURL: TypeURL.endpoint, legacyWildcard: true)
        #expect(state.receive(names: ["a"], nonce: "", errorMessage: nil, versionInfo: "", now: 0) == .initial)
        #expect(state.plan(nil, nonce: 1, now: 0) == nil)
        let plan = state.plan(Self.eds("a", "b"), nonce: 1, now: 0)
        #expect(plan?.resources.map(\.name) == ["a"])
        #expect(state.receive(names: ["a"], nonce: "1", errorMessage: nil, versionInfo: plan!.version, now: 0) == .ack)
        #expect(state.plan(Self.eds("a", "b"), nonce: 2, now: 0) == nil)
    }

    @Test("A NACK never resends the rejected version, but new names are served")
    func nack() {
        var state = State(typeURL: TypeURL.endpoint, legacyWildcard: true)
        _ = state.receive(names: ["a"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        _ = state.plan(Self.eds("a", "b"), nonce: 1, now: 0)
        #expect(state.receive(names: ["a"], nonce: "1", errorMessage: "bad", versionInfo: "", now: 0) == .nack(message: "bad"))
        #expect(state.plan(Self.eds("a", "b"), nonce: 2, now: 0) == nil)
        _ = state.receive(names: ["a", "b"], nonce: "1", errorMessage: "bad", versionInfo: "", now: 0)
        #expect(state.plan(Self.eds("a", "b"), nonce: 2, now: 0)?.resources.map(\.name) == ["b"])
    }

    @Test("A stale nonce is neither ACK nor NACK and resends nothing unchanged")
    func stale() {
        var state = State(typeURL: TypeURL.endpoint, legacyWildcard: true)
        _ = state.receive(names: ["a"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        _ = state.plan(Self.eds("a"), nonce: 1, now: 0)
        _ = state.plan(TypeResources([Fixtures.assignment("a", port: 81)]), nonce: 2, now: 0)
        #expect(state.receive(names: ["a"], nonce: "1", errorMessage: "x", versionInfo: "", now: 0) == .stale)
        #expect(state.lastNack == nil)
        #expect(state.plan(TypeResources([Fixtures.assignment("a", port: 81)]), nonce: 3, now: 0) == nil)
    }

    @Test("Unsubscribing and re-subscribing resends an unchanged resource")
    func resubscribe() {
        var state = State(typeURL: TypeURL.route, legacyWildcard: true)
        let routes = TypeResources([Fixtures.route("r1"), Fixtures.route("r2")])
        _ = state.receive(names: ["r1", "r2"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(routes, nonce: 1, now: 0)?.resources.count == 2)
        _ = state.receive(names: ["r1"], nonce: "1", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(routes, nonce: 2, now: 0) == nil)
        _ = state.receive(names: ["r1", "r2"], nonce: "1", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(routes, nonce: 2, now: 0)?.resources.map(\.name) == ["r2"])
    }

    @Test("Full-state types resend everything and report deletions with a response")
    func fullState() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(names: [], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(TypeResources([]), nonce: 1, now: 0)?.resources.isEmpty == true)
        let two = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")])
        #expect(state.plan(two, nonce: 2, now: 0)?.resources.count == 2)
        #expect(state.plan(two, nonce: 3, now: 0) == nil)
        #expect(state.plan(TypeResources([Fixtures.cluster("a")]), nonce: 3, now: 0)?.resources.map(\.name) == ["a"])
        #expect(state.plan(TypeResources([]), nonce: 4, now: 0)?.resources.isEmpty == true)
    }

    @Test("Wildcard: [] then [*, A] then [A] then [] means nothing")
    func wildcardSequence() {
        var sub = SotWSubscription(legacyWildcard: true)
        #expect(sub.wildcard)
        sub.update(["*", "A"])
        #expect(sub.wildcard && sub.names == ["A"])
        sub.update(["A"])
        #expect(!sub.wildcard && sub.names == ["A"])
        sub.update([])
        #expect(!sub.wildcard && sub.names.isEmpty)
        #expect(!SotWSubscription(legacyWildcard: false).wildcard)
    }

    @Test("A forced name is resent on the next non-stale request even if unchanged (warming)")
    func forced() {
        var state = State(typeURL: TypeURL.endpoint, legacyWildcard: true)
        let eds = Self.eds("a")
        _ = state.receive(names: ["a"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        _ = state.plan(eds, nonce: 1, now: 0)
        _ = state.receive(names: ["a"], nonce: "1", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(eds, nonce: 2, now: 0) == nil)
        state.force("a")
        #expect(state.plan(eds, nonce: 2, now: 0) == nil)
        _ = state.receive(names: ["a"], nonce: "1", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(eds, nonce: 2, now: 0)?.resources.map(\.name) == ["a"])
        _ = state.receive(names: ["a"], nonce: "2", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(eds, nonce: 3, now: 0) == nil)
    }
}

@Suite("SotW type state fast path")
struct SotWTypeStateFastPathTests {
    @Test("After the first decision only the diff of the next set is sent, ACKs cost nothing")
    func diffOnly() {
        var state = SotWTypeState(typeURL: TypeURL.endpoint, legacyWildcard: true)
        let v1 = TypeResources((0..<50).map { Fixtures.assignment("c\($0)") })
        _ = state.receive(names: v1.sortedNames, nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(v1, nonce: 1, now: 0)?.wholeSet?.id == v1.id)
        _ = state.receive(names: v1.sortedNames, nonce: "1", errorMessage: nil, versionInfo: v1.version, now: 0)
        #expect(state.plan(v1, nonce: 2, now: 0) == nil)
        let v2 = v1.replacing(Fixtures.assignment("c7", port: 99))
        let plan = state.plan(v2, nonce: 2, now: 0)
        #expect(plan?.resources.map(\.name) == ["c7"] && plan?.wholeSet == nil)
        #expect(state.held["c7"]?.version == v2["c7"]!.version)
        let v3 = TypeResources(v2.sorted.filter { $0.name != "c8" } + [Fixtures.assignment("new")])
        #expect(state.plan(v3, nonce: 3, now: 0) == nil, "a new name nobody asked for is not sent")
        #expect(state.held["c8"] == nil)
    }

    @Test("Full state: a deletion under the wildcard resends the whole set, an unrelated one does not")
    func fullStateDiff() {
        var state = SotWTypeState(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(names: ["a", "b"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        let v1 = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b"), Fixtures.cluster("c")])
        #expect(state.plan(v1, nonce: 1, now: 0)?.resources.map(\.name) == ["a", "b"])
        let v2 = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")])
        #expect(state.plan(v2, nonce: 2, now: 0) == nil)
        let v3 = TypeResources([Fixtures.cluster("a")])
        #expect(state.plan(v3, nonce: 2, now: 0)?.resources.map(\.name) == ["a"])
    }
}

@Suite("SotW full-state bookkeeping")
struct SotWFullStateTests {
    @Test("A named full-state subscription that drops and re-adds a listener gets it again")
    func resubscribeFullState() {
        var state = SotWTypeState(typeURL: TypeURL.listener, legacyWildcard: false)
        let set = TypeResources([Fixtures.listener("l1"), Fixtures.listener("l2", port: 2)])
        _ = state.receive(names: ["l1", "l2"], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(set, nonce: 1, now: 0)?.resources.count == 2)
        _ = state.receive(names: ["l1"], nonce: "1", errorMessage: nil, versionInfo: set.version, now: 0)
        #expect(state.plan(set, nonce: 2, now: 0) == nil)
        #expect(Set(state.held.keys) == ["l1"])
        _ = state.receive(names: ["l1", "l2"], nonce: "1", errorMessage: nil, versionInfo: set.version, now: 0)
        #expect(state.plan(set, nonce: 2, now: 0)?.resources.map(\.name) == ["l1", "l2"])
        #expect(Set(state.held.keys) == ["l1", "l2"])
    }

    @Test("CSDS marks every resource of a NACKed full-state response as ERROR")
    func nackedFullState() {
        var state = SotWTypeState(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(names: [], nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        let set = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")])
        _ = state.plan(set, nonce: 1, now: 0)
        _ = state.receive(names: [], nonce: "1", errorMessage: "no", versionInfo: "", now: 3)
        #expect(state.statuses().map(\.status) == [.error(message: "no", time: 3), .error(message: "no", time: 3)])
    }

    @Test("Many single-name pushes keep what the client holds exact while the per-name records stay bounded")
    func heldStaysExact() {
        var state = SotWTypeState(typeURL: TypeURL.endpoint, legacyWildcard: false)
        var set = TypeResources((0..<400).map { Fixtures.assignment("c\($0)") })
        _ = state.receive(names: set.sortedNames, nonce: "", errorMessage: nil, versionInfo: "", now: 0)
        #expect(state.plan(set, nonce: 1, now: 0)?.resources.count == 400)
        for round in 0..<300 {
            set = set.replacing(Fixtures.assignment("c\(round)", port: UInt32(1000 + round)))
            #expect(state.plan(set, nonce: UInt64(round + 2), now: 0)?.resources.map(\.name) == ["c\(round)"])
        }
        let held = state.held
        #expect(held.count == 400)
        #expect(held.allSatisfy { set[$0.key]?.version == $0.value.version })
    }
}
