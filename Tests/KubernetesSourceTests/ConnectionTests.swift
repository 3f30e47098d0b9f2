import Foundation
import KubernetesSource
import Testing

@Suite("Kubernetes connection: in-cluster and kubeconfig")
struct ConnectionTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "aeraki-k8s-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("in cluster: service host and port, the mounted CA and a token file re-read per request")
    func inCluster() throws {
        let directory = try Self.temporaryDirectory()
        try "token".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try "PEM".write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
        let connection = try KubernetesConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "6443"], serviceAccountDirectory: directory
        )
        #expect(connection.server == "https://10.96.0.1:6443")
        #expect(connection.certificateAuthorityPEM == Array("PEM".utf8))
        #expect(connection.authentication == .tokenFile(directory + "/token"))
        let ipv6 = try KubernetesConnection.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1"], serviceAccountDirectory: directory)
        #expect(ipv6.server == "https://[fd00::1]:443")
    }

    @Test("outside a pod, in-cluster configuration names what is missing")
    func notInCluster() {
        #expect(throws: KubernetesConfigurationError.notInCluster(missing: "KUBERNETES_SERVICE_HOST")) {
            try KubernetesConnection.inCluster(environment: [:])
        }
    }

    @Test("kubeconfig: current context, inline CA, token; relative files resolved next to it")
    func kubeconfig() throws {
        let directory = try Self.temporaryDirectory()
        let ca = Data("CA".utf8).base64EncodedString()
        try """
            apiVersion: v1
            kind: Config
            current-context: dev
            contexts:
            - {name: dev, context: {cluster: c1, user: u1}}
            - {name: certs, context: {cluster: c1, user: u2}}
            clusters:
            - {name: c1, cluster: {server: "https://k8s.example:6443/", certificate-authority-data: \(ca)}}
            users:
            - {name: u1, user: {token: abc}}
            - {name: u2, user: {client-certificate: cert.pem, client-key: key.pem}}
            """.write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        try "CERT".write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try "KEY".write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        let dev = try KubernetesConnection.kubeconfig(path: directory + "/config")
        #expect(dev.server == "https://k8s.example:6443")
        #expect(dev.certificateAuthorityPEM == Array("CA".utf8))
        #expect(dev.authentication == .token("abc"))
        let certs = try KubernetesConnection.kubeconfig(path: directory + "/config", context: "certs")
        #expect(certs.authentication == .clientCertificate(certificatePEM: Array("CERT".utf8), keyPEM: Array("KEY".utf8)))
        #expect(throws: KubernetesConfigurationError.invalidKubeconfig(path: directory + "/config", reason: "no contexts entry named \"prod\"")) {
            try KubernetesConnection.kubeconfig(path: directory + "/config", context: "prod")
        }
    }
}
