import EnvoyAPI
import Foundation
import Mesh
import MeshAPI
import SwiftProtobuf
import Testing

/// The per-type-URL MCP state machine, without sockets.
@Suite("MCP type state")
struct MCPTypeStateTests {
    static let typeURL = "networking.istio.io/v1/ServiceEntry"

    static func item(_ name: String, version: String, port: UInt32 = 80, corrupt: Bool = false) throws -> Google_Protobuf_Any {
        var se = Istio_Networking_V1alpha3_ServiceEntry()
        se.hosts = ["\(name).example.com"]
        var p = Istio_Networking_V1alpha3_ServicePort()
        p.number = port
        p.name = "tcp"
        se.ports = [p]
        var resource = Istio_Mcp_V1alpha1_Resource()
        resource.metadata.name = "ns/\(name)"
        resource.metadata.version = version
        resource.body = try Google_Protobuf_Any(message: se)
        if corrupt { resource.body.value = Data([0xff, 0xff, 0xff]) }
        return try Google_Protobuf_Any(message: resource)
    }

    static func response(_ items: [Google_Protobuf_Any], version: String, nonce: String) -> Envoy_Service_Discovery_V3_DiscoveryResponse {
        var response = Envoy_Service_Discovery_V3_DiscoveryResponse()
        response.typeURL = typeURL
        response.versionInfo = version
        response.nonce = nonce
        response.resources = items
        return response
    }

    @Test("SotW: upsert, dedupe by metadata.version, delete missing items, ACK with version and nonce")
    func sotw() throws {
        var state = try #require(MCPTypeState(typeURL: Self.typeURL))
        #expect(state.kind == .serviceEntry)
        let (first, ack) = state.handle(Self.response([try Self.item("a", version: "1"), try Self.item("b", version: "1")], version: "v1", nonce: "n1"))
        #expect(first.changed)
        #expect(ack.versionInfo == "v1")
        #expect(ack.responseNonce == "n1")
        #expect(!ack.hasErrorDetail)
        // Same versions: no change, even with different bytes.
        let (same, _) = state.handle(Self.response([try Self.item("a", version: "1", port: 81), try Self.item("b", version: "1")], version: "v2", nonce: "n2"))
        #expect(!same.changed)
        // b missing: deleted.
        let (deleted, _) = state.handle(Self.response([try Self.item("a", version: "1")], version: "v3", nonce: "n3"))
        #expect(deleted.changed)
        #expect(state.resources.keys.map(\.name) == ["a"])
        #expect(state.acceptedVersion == "v3")
    }

    @Test("an undecodable item is NACKed with the previous version and details; it keeps its last version")
    func nack() throws {
        var state = try #require(MCPTypeState(typeURL: Self.typeURL))
        _ = state.handle(Self.response([try Self.item("a", version: "1")], version: "v1", nonce: "n1"))
        let (outcome, nack) = state.handle(Self.response(
            [try Self.item("a", version: "2", corrupt: true), try Self.item("c", version: "1")], version: "v2", nonce: "n2"))
        #expect(outcome.changed, "c was added")
        #expect(nack.hasErrorDetail)
        #expect(nack.errorDetail.message.contains("ns/a"))
        #expect(nack.versionInfo == "v1")
        #expect(nack.responseNonce == "n2")
        #expect(state.resources.keys.map(\.name).sorted() == ["a", "c"])
        #expect(state.resources.values.first { $0.key.name == "a" }?.version == "1")
    }

    @Test("bad resource names are reported and skipped")
    func badName() throws {
        var state = try #require(MCPTypeState(typeURL: Self.typeURL))
        var resource = Istio_Mcp_V1alpha1_Resource()
        resource.metadata.name = "no-namespace"
        let (outcome, reply) = state.handle(Self.response([try Google_Protobuf_Any(message: resource)], version: "v1", nonce: "n"))
        #expect(outcome.errors.count == 1)
        #expect(reply.errorDetail.message.contains("namespace/name"))
    }

    @Test("delta: removed resources delete; the first response after reconnecting is a full list")
    func delta() throws {
        var state = try #require(MCPTypeState(typeURL: Self.typeURL))
        func response(_ names: [String], removed: [String] = []) throws -> Envoy_Service_Discovery_V3_DeltaDiscoveryResponse {
            var response = Envoy_Service_Discovery_V3_DeltaDiscoveryResponse()
            response.typeURL = Self.typeURL
            response.nonce = "n"
            response.resources = try names.map { name in
                var r = Envoy_Service_Discovery_V3_Resource()
                r.name = "ns/\(name)"
                r.resource = try Self.item(name, version: "1")
                return r
            }
            response.removedResources = removed
            return response
        }
        _ = state.handle(try response(["a", "b", "c"]))
        _ = state.handle(try response([], removed: ["ns/c"]))
        #expect(state.resources.keys.map(\.name).sorted() == ["a", "b"])
        state.streamRestarted()
        let (outcome, _) = state.handle(try response(["a"]))
        #expect(outcome.changed)
        #expect(state.resources.keys.map(\.name) == ["a"])
    }

    @Test("the session merges v1alpha3 and v1 of a kind and subscribes to both")
    func session() throws {
        var session = MCPSession(kinds: [.serviceEntry, .metaRouter])
        #expect(session.typeURLs == ["networking.istio.io/v1alpha3/ServiceEntry", "networking.istio.io/v1/ServiceEntry",
                                     "metaprotocol.aeraki.io/v1alpha1/MetaRouter"])
        var old = Self.response([try Self.item("old", version: "1")], version: "1", nonce: "1")
        old.typeURL = "networking.istio.io/v1alpha3/ServiceEntry"
        let (kind, _, _) = session.handle(old)
        #expect(kind == .serviceEntry)
        #expect(session.unansweredTypeURLs == ["networking.istio.io/v1/ServiceEntry", "metaprotocol.aeraki.io/v1alpha1/MetaRouter"])
        _ = session.handle(Self.response([try Self.item("new", version: "1")], version: "1", nonce: "2"))
        #expect(session.merged(.serviceEntry).map(\.key.name) == ["new", "old"])
        var routers = Self.response([], version: "1", nonce: "3")
        routers.typeURL = "metaprotocol.aeraki.io/v1alpha1/MetaRouter"
        _ = session.handle(routers)
        #expect(session.unansweredTypeURLs.isEmpty, "an empty answer completes the type's initial sync")
        session.streamRestarted()
        #expect(session.unansweredTypeURLs.isEmpty, "the initial sync happens once, not per stream")
        let node = MCPClient.Configuration(address: "x").node
        let requests = session.subscribeRequests(node: node)
        #expect(requests.count == 3)
        #expect(requests[0].hasNode)
        #expect(!requests[1].hasNode)
        #expect(requests[0].node.metadata.fields["GENERATOR"]?.stringValue == "api")
    }

    @Test("backoff grows exponentially to the maximum, with jitter, and resets")
    func backoff() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(8), multiplier: 2, jitter: 0.2)
        let delays = (0..<6).map { _ in backoff.next(random: { 0.5 }) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
        #expect(backoff.next(random: { 0 }) == .milliseconds(6400))
        backoff.reset()
        #expect(backoff.next(random: { 0.5 }) == .seconds(1))
    }
}
