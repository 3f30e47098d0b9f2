import Foundation
import LibGRPCTransport
import Testing

/// TLS and mutual TLS in both directions, with certificates made at test time.
@Suite("TLS and mutual TLS")
struct TLSTests {
    @Test("our mutual-TLS server sees the grpcio client's SPIFFE identity")
    func serverSeesPeerIdentity() async throws {
        let certificates = try await PythonPeer.makeCertificates()
        let path = { (name: String) in certificates.appendingPathComponent(name).path }
        let tls = try ServerTLSConfiguration(
            certificateChainFile: path("server.pem"), privateKeyFile: path("server.key"),
            clientCertificateAuthorityFile: path("ca.pem"))
        try await withRunningServer(router: EchoRouter.make(), configure: {
            $0.listeners = [.init(host: "127.0.0.1", port: 0, tls: tls)]
        }) { _, port in
            let clientTLS = ["--ca", path("ca.pem"), "--cert", path("client.pem"), "--key", path("client.key"),
                             "--authority", "localhost"]
            let (metadata, exitCode) = try await PythonPeer.client(port: port, tls: clientTLS, ["metadata"])
            #expect(exitCode == 0, "\(metadata)")
            #expect(metadata["peer_identity"] as? String == "spiffe://cluster.local/ns/default/sa/test-client")
            #expect((metadata["subject"] as? String)?.contains("test-client") == true)
            #expect(metadata["tls"] as? String == "true")
            // The verified leaf itself, for callers that parse it (the xDS server reads its SPIFFE SANs).
            let clientPEM = try String(contentsOfFile: path("client.pem"), encoding: .utf8)
            let receivedPEM = metadata["certificate_pem"] as? String ?? ""
            #expect(!receivedPEM.isEmpty && clientPEM.contains(receivedPEM.trimmingCharacters(in: .whitespacesAndNewlines)))
            let (echo, echoExit) = try await PythonPeer.client(port: port, tls: clientTLS, ["echo", "--count", "10", "--size", "100"])
            #expect(echoExit == 0, "\(echo)")
            let (_, withoutCertificate) = try await PythonPeer.client(
                port: port, tls: ["--ca", path("ca.pem"), "--authority", "localhost"], ["unary", "--size", "10"])
            #expect(withoutCertificate != 0)
        }
    }

    @Test("our client verifies grpcio's TLS server and presents a client certificate")
    func clientPresentsCertificate() async throws {
        let certificates = try await PythonPeer.makeCertificates()
        let path = { (name: String) in certificates.appendingPathComponent(name).path }
        let serverArguments = ["--tls-cert", path("server.pem"), "--tls-key", path("server.key"), "--client-ca", path("ca.pem")]
        try await PythonPeer.withServer(serverArguments) { server in
        let tls = try ClientTLSConfiguration(
            rootCertificatesFile: path("ca.pem"), certificateChainFile: path("client.pem"),
            privateKeyFile: path("client.key"), serverNameOverride: "localhost")
        try await withChannel(port: server.port, configuration: .init(tls: tls)) { channel in
            let reply = try await channel.unary(method: EchoRouter.metadata, request: [])
            let json = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any]
            #expect(json?["peer_identity"] as? String == "spiffe://cluster.local/ns/default/sa/test-client")
        }
        let untrusted = try ClientTLSConfiguration(rootCertificatesFile: path("server.pem"), serverNameOverride: "localhost")
        try await withChannel(port: server.port, configuration: .init(tls: untrusted)) { channel in
            let error = await #expect(throws: RPCError.self) {
                _ = try await channel.unary(method: EchoRouter.unary, request: [1])
            }
            #expect(error?.code == .unavailable)
        }
        }
    }
}
