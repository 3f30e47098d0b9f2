import Testing
@testable import XDSServer
import XDSCache

/// A reconnecting SotW client names the version it last accepted; an unchanged wildcard set is not
/// pushed to it again (the restart of Aeraki under connected sidecars).
@Suite("SotW resume on reconnect")
struct SotWResumeTests {
    typealias State = SotWTypeState

    static let clusters = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")])

    @Test("A wildcard request naming the current version is not answered, and CSDS shows the set as synced")
    func unchangedWildcardSetIsNotResent() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(names: [], nonce: "", errorMessage: nil, versionInfo: Self.clusters.version, now: 0)
        #expect(state.plan(nil, nonce: 1, now: 0) == nil)
        #expect(state.plan(Self.clusters, nonce: 1, now: 0) == nil)
        #expect(state.statuses().map(\.name) == ["a", "b"])
        #expect(state.statuses().allSatisfy { $0.status == .synced })
        #expect(state.ackedVersion == Self.clusters.version)
        // The same set again (another snapshot of the node) still sends nothing.
        #expect(state.plan(TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")]), nonce: 1, now: 0) == nil)
    }

    @Test("After a resume, the next change sends the whole set, and its ACK is an ACK")
    func changeAfterResumeSendsWholeSet() {
        var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
        _ = state.receive(names: [], nonce: "", errorMessage: nil, versionInfo: Self.clusters.version, now: 0)
        #expect(state.plan(Self.clusters, nonce: 1, now: 0) == nil)
        let changed = TypeResources([Fixtures.cluster("a"), Fixtures.cluster("c")])
        let plan = state.plan(changed, nonce: 1, now: 0)
        #expect(plan?.resources.map(\.name) == ["a", "c"])
        #expect(plan?.version == changed.version)
        #expect(state.receive(names: [], nonce: "1", errorMessage: nil, versionInfo: changed.version, now: 0) == .ack)
        #expect(state.plan(changed, nonce: 2, now: 0) == nil)
    }

    @Test("A request naming another version, or none, gets the whole set")
    func otherVersionGetsTheSet() {
        for version in ["", "0123456789abcdef"] {
            var state = State(typeURL: TypeURL.cluster, legacyWildcard: true)
            _ = state.receive(names: [], nonce: "", errorMessage: nil, versionInfo: version, now: 0)
            #expect(state.plan(Self.clusters, nonce: 1, now: 0)?.resources.map(\.name) == ["a", "b"])
        }
    }

    /// A SotW version names the whole set, not which of its names the client received, so a client
    /// with explicit names may lack some of them; EDS and RDS are never full-state.
    @Test(
        "Explicit subscriptions and EDS are answered even when the version matches",
        arguments: [
            (TypeURL.cluster, TypeResources([Fixtures.cluster("a"), Fixtures.cluster("b")])),
            (TypeURL.endpoint, TypeResources([Fixtures.assignment("a"), Fixtures.assignment("b")])),
        ]
    )
    func explicitNamesAreResent(typeURL: String, resources: TypeResources) {
        var state = State(typeURL: typeURL, legacyWildcard: true)
        _ = state.receive(names: ["a", "b"], nonce: "", errorMessage: nil, versionInfo: resources.version, now: 0)
        #expect(state.plan(resources, nonce: 1, now: 0)?.resources.map(\.name) == ["a", "b"])
    }
}
