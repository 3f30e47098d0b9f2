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
        _ = core.receive(Self.request(TypeURL.cluster, [], nonce: "\(cds!.nonce)"), typeURL: TypeURL.cluster, now: 0)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"], nonce: "\(eds!.nonce)"), typeURL: TypeURL.endpoint, now: 0)
        #expect(core.nextOutbound(now: 0) == nil)
        core.snapshotDidChange(Self.snapshot(port: 1, clusterTimeout: 9), sequence: 2)
        let cds2 = core.nextOutbound(now: 0)
        #expect(cds2?.typeURL == TypeURL.cluster)
        #expect(core.nextOutbound(now: 0) == nil)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a"], nonce: "\(eds!.nonce)"), typeURL: TypeURL.endpoint, now: 0)
        #expect(core.nextOutbound(now: 0)?.resources.map(\.name) == ["a"])
    }

    @Test("The status copy reports per-type sent, ACKed and NACKed nonces and the NACK message")
    func status() {
        let core = SotWStream(id: 7, isADS: true, legacyWildcardDisabled: [])
        core.snapshotDidChange(Self.snapshot(port: 1), sequence: 1)
        _ = core.receive(Self.request(TypeURL.endpoint, ["a", "b"]), typeURL: TypeURL.endpoint, now: 0)
        let out = core.nextOutbound(now: 0)!
        var nack = Self.request(TypeURL.endpoint, ["a", "b"], nonce: "\(out.nonce)")
        nack.errorDetail.message = "bad endpoint"
        #expect(core.receive(nack, typeURL: TypeURL.endpoint, now: 5) == .nack(message: "bad endpoint"))
        let status = core.status()
        #expect(status.streamID == 7)
        let eds = status.types.first { $0.typeURL == TypeURL.endpoint }
        #expect(eds?.lastSentNonce == "\(out.nonce)" && eds?.nackedNonce == "\(out.nonce)")
        #expect(eds?.nackMessage == "bad endpoint" && eds?.ackedNonce == nil && eds?.requestCount == 2)
        let byName = Dictionary(uniqueKeysWithValues: status.resources.map { ($0.name, $0.status) })
        #expect(byName["a"] == .error(message: "bad endpoint", time: 5))
        #expect(byName["b"] == .notSent)
    }
}
