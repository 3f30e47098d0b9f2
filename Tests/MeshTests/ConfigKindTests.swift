import Mesh
import MeshAPI
import SwiftProtobuf
import Testing

@Suite("Config kinds")
struct ConfigKindTests {
    @Test("every kind is listed once")
    func unique() {
        #expect(Set(ConfigKind.all).count == ConfigKind.all.count)
        #expect(ConfigKind.all.contains(.metaRouter))
    }

    @Test("security kinds: v1beta1 and v1 API versions and MCP type URLs, istio.security.v1beta1 messages")
    func securityKinds() throws {
        for kind in [ConfigKind.peerAuthentication, .authorizationPolicy, .requestAuthentication] {
            #expect(kind.mcpTypeURLs == ["security.istio.io/v1beta1/\(kind.kind)", "security.istio.io/v1/\(kind.kind)"])
            #expect(ConfigKind(mcpTypeURL: "security.istio.io/v1/\(kind.kind)") == kind)
            #expect(ConfigKind(mcpTypeURL: "security.istio.io/v1beta1/\(kind.kind)") == kind)
            #expect(ConfigKind(apiVersion: "security.istio.io/v1beta1", kind: kind.kind) == kind)
            #expect(ConfigKind(apiVersion: "security.istio.io/v1alpha3", kind: kind.kind) == nil)
            #expect(kind.protoMessageName == "istio.security.v1beta1.\(kind.kind)")
        }
        var pa = Istio_Security_V1beta1_PeerAuthentication()
        pa.mtls.mode = .strict
        let any = try Google_Protobuf_Any(message: pa)
        #expect(any.typeURL == "type.googleapis.com/istio.security.v1beta1.PeerAuthentication")
        #expect(try MeshSpec(kind: .peerAuthentication, any: any) == .peerAuthentication(pa))
    }
}
