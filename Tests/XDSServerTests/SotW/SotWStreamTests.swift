import EnvoyAPI
import Testing
import XDSCache
@testable import XDSServer

@Suite("SotW stream core")
struct SotWStreamTests {
    static func request(_ typeURL: String, _ names: [String], nonce: String = "") -> Envoy_Service_Discovery_V3_DiscoveryRequest {
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        request.typeURL = typeURL
        request.resourceNames = names
        request.responseNonce = nonce
        return request
    }

    static func snapshot(port: UInt32, clusterTimeout: Int64 = 1) -> Snapshot {
        Snapshot(resources: [Fixtures.cluster("a", timeout: clusterTimeout), Fixtures.assignment("a", port: port)])
    }

    @Test("Snapshots that arrive before the writer is ready supersede each other: one response, the newest")
    func supersede() {
        let core = SotWStream(id: 1, isADS: true, legacyWildcardDisabled: [])
        core.snapshotDidChange(Self.snapshot(port: 1), sequence: 1)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"]), typeURL: TypeURL.endpoint, now: 0)
        core.snapshotDidChange(Self.snapshot(port: 2), sequence: 2)
        core.snapshotDidChange(Self.snapshot(port: 3), sequence: 3)
        let out = core.nextOutbound(now: 0)
        #expect(out?.resources.first?.version == Fixtures.assignment("a", port: 3).version)
        #expect(core.nextOutbound(now: 0) == nil)
    }

    @Test("An older notification never replaces a newer snapshot")
    func sequenceOrder() {
        let core = SotWStream(id: 1, isADS: true, legacyWildcardDisabled: [])
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"]), typeURL: TypeURL.endpoint, now: 0)
        core.snapshotDidChange(Self.snapshot(port: 2), sequence: 5)
        core.snapshotDidChange(Self.snapshot(port: 1), sequence: 4)
        #expect(core.nextOutbound(now: 0)?.resources.first?.version == Fixtures.assignment("a", port: 2).version)
    }

    @Test("CDS goes out before EDS, and a changed EDS cluster gets its assignment on the next EDS request")
    func orderAndWarming() {
        let core = SotWStream(id: 1, isADS: true, legacyWildcardDisabled: [])
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"]), typeURL: TypeURL.endpoint, now: 0)
        _ = core.receive(Self.request(TypeURL.cluster, []), typeURL: TypeURL.cluster, now: 0)
        core.snapshotDidChange(Self.snapshot(port: 1), sequence: 1)
        let cds = core.nextOutbound(now: 0)
        let eds = core.nextOutbound(now: 0)
        #expect(cds?.typeURL == TypeURL.cluster)
        #expect(eds?.typeURL == TypeURL.endpoint)
        _ = core.receive(Self.request(TypeURL.cluster, [], nonce: cds!.wireNonce), typeURL: TypeURL.cluster, now: 0)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"], nonce: eds!.wireNonce), typeURL: TypeURL.endpoint, now: 0)
        #expect(core.nextOutbound(now: 0) == nil)
        core.snapshotDidChange(Self.snapshot(port: 1, clusterTimeout: 9), sequence: 2)
        let cds2 = core.nextOutbound(now: 0)
        #expect(cds2?.typeURL == TypeURL.cluster)
        #expect(core.nextOutbound(now: 0) == nil)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"], nonce: eds!.wireNonce), typeURL: TypeURL.endpoint, now: 0)
        #expect(core.nextOutbound(now: 0)?.resources.map(\.name) == ["a"])
    }

    @Test("The status copy reports per-type sent, ACKed and NACKed nonces and the NACK message")
    func status() {
        let core = SotWStream(id: 7, isADS: true, legacyWildcardDisabled: [])
        core.snapshotDidChange(Self.snapshot(port: 1), sequence: 1)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a", "b"]), typeURL: TypeURL.endpoint, now: 0)
        let out = core.nextOutbound(now: 0)!
        var nack = Self.request(TypeURL.endpoint, ["a", "b"], nonce: out.wireNonce)
        nack.errorDetail.message = "bad endpoint"
        #expect(core.receive(nack, typeURL: TypeURL.endpoint, now: 5) == .nack(message: "bad endpoint"))
        let status = core.status()
        #expect(status.streamID == 7)
        let eds = status.types.first { $0.typeURL == TypeURL.endpoint }
        #expect(eds?.lastSentNonce == out.wireNonce && eds?.nackedNonce == out.wireNonce)
        #expect(eds?.nackMessage == "bad endpoint" && eds?.ackedNonce == nil && eds?.requestCount == 2)
        let byName = Dictionary(uniqueKeysWithValues: status.resources.map { ($0.name, $0.status) })
        #expect(byName["a"] == .error(message: "bad endpoint", time: 5))
        #expect(byName["b"] == .notSent)
    }

    @Test("A whole set goes out with a shared nonce once per stream; a repeat gets a fresh sequence nonce")
    func sharedNonces() {
        let snapshot = Self.snapshot(port: 1)
        let set = snapshot.resources(TypeURL.cluster)
        var nonces: [String] = []
        for id in 1...2 {
            let core = SotWStream(id: UInt64(id), isADS: true, legacyWildcardDisabled: [])
            core.snapshotDidChange(snapshot, sequence: 1)
            _ = core.receive(Self.request(TypeURL.cluster, []), typeURL: TypeURL.cluster, now: 0)
            let out = core.nextOutbound(now: 0)!
            #expect(out.shared && out.wireNonce == "s\(set.id)")
            nonces.append(out.wireNonce)
            // Explicit wildcard: the subscription changes, the same set is due again.
            _ = core.receive(Self.request(TypeURL.cluster, ["*", "zzz"], nonce: out.wireNonce), typeURL: TypeURL.cluster, now: 0)
            _ = core.receive(Self.request(TypeURL.cluster, ["a"], nonce: out.wireNonce), typeURL: TypeURL.cluster, now: 0)
            _ = core.receive(Self.request(TypeURL.cluster, ["*"], nonce: out.wireNonce), typeURL: TypeURL.cluster, now: 0)
            let again = core.nextOutbound(now: 0)
            #expect(again.map { !$0.shared && $0.wireNonce != out.wireNonce } ?? true)
            if let again {
                #expect(core.receive(Self.request(TypeURL.cluster, ["*"], nonce: out.wireNonce), typeURL: TypeURL.cluster, now: 0) == .stale)
                #expect(core.receive(Self.request(TypeURL.cluster, ["*"], nonce: again.wireNonce), typeURL: TypeURL.cluster, now: 0) == .ack)
            }
        }
        #expect(nonces[0] == nonces[1])
    }
}
