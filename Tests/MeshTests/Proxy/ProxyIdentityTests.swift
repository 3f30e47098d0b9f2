import EnvoyAPI
import Mesh
import SwiftProtobuf
import Testing

@Suite("Proxy identity")
struct ProxyIdentityTests {
    static func node(_ id: String, metadata: [String: Google_Protobuf_Value] = [:]) -> Envoy_Config_Core_V3_Node {
        var node = Envoy_Config_Core_V3_Node()
        node.id = id
        node.metadata = Google_Protobuf_Struct(fields: metadata)
        return node
    }

    @Test("a sidecar node id and Istio agent metadata")
    func sidecar() throws {
        let labels = Google_Protobuf_Value(structValue: Google_Protobuf_Struct(fields: ["app": Google_Protobuf_Value(stringValue: "reviews")]))
        let proxy = try ProxyIdentity(node: Self.node(
            "sidecar~10.1.2.3~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local",
            metadata: ["LABELS": labels, "INSTANCE_IPS": Google_Protobuf_Value(stringValue: "10.1.2.3,fd00::3"),
                       "CLUSTER_ID": Google_Protobuf_Value(stringValue: "Kubernetes")]
        ))
        #expect(proxy.type == .sidecar)
        #expect(proxy.namespace == "bookinfo")
        #expect(proxy.workloadName == "reviews-v1-abc")
        #expect(proxy.ipAddresses == ["10.1.2.3", "fd00::3"])
        #expect(proxy.labels == ["app": "reviews"])
        #expect(proxy.metadata["CLUSTER_ID"] == "Kubernetes")
    }

    @Test("NAMESPACE metadata wins; a router (gateway) is recognised")
    func router() throws {
        let proxy = try ProxyIdentity(node: Self.node(
            "router~10.0.0.9~ingress-abc.istio-system~istio-system.svc.cluster.local",
            metadata: ["NAMESPACE": Google_Protobuf_Value(stringValue: "gateways")]
        ))
        #expect(proxy.type == .router)
        #expect(proxy.namespace == "gateways")
    }

    @Test("bad node ids are refused", arguments: ["sidecar~10.0.0.1~x", "pilot~10.0.0.1~a.b~b.svc.cluster.local", "sidecar~nope~a.b~b.svc.cluster.local"])
    func invalid(_ id: String) {
        #expect(throws: ProxyIdentityError.self) { try ProxyIdentity(node: Self.node(id)) }
    }

    @Test("an identity built from parts has Istio's node id form")
    func built() {
        let proxy = ProxyIdentity(ipAddresses: ["10.0.0.1"], workloadName: "pod", namespace: "ns")
        #expect(proxy.id == "sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local")
    }
}
