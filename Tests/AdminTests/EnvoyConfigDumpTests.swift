import Admin
import EnvoyAPI
import SwiftProtobuf
import Testing
import XDSCache

@Suite("/debug/config_dump rendering")
struct EnvoyConfigDumpTests {
    static func snapshot() throws -> Snapshot {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = "outbound|20880||demo.svc.cluster.local"
        cluster.type = .eds
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualOutbound"
        return Snapshot(resources: [try PreparedResource(cluster), try PreparedResource(listener)])
    }

    @Test("clusters and listeners appear under Envoy's config dump fields, with their @type")
    func shape() throws {
        Google_Protobuf_Any.register(messageType: Envoy_Config_Cluster_V3_Cluster.self)
        Google_Protobuf_Any.register(messageType: Envoy_Config_Listener_V3_Listener.self)
        let json = EnvoyConfigDump.render(try Self.snapshot(), proxyID: "p").text
        #expect(json.contains("\"@type\": \"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\""))
        #expect(json.contains("\"dynamic_active_clusters\""))
        #expect(json.contains("\"@type\":\"type.googleapis.com/envoy.config.cluster.v3.Cluster\""))
        #expect(json.contains("outbound|20880||demo.svc.cluster.local"))
        #expect(json.contains("\"dynamic_listeners\""))
        #expect(json.contains("\"active_state\""))
        #expect(json.contains("\"@type\": \"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\""))
    }
}
