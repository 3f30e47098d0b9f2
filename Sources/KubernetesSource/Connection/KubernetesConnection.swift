internal import Foundation

/// Where the Kubernetes API server is and how to authenticate to it: from the pod's service
/// account (``inCluster(environment:serviceAccountDirectory:)``) or a kubeconfig file
/// (``kubeconfig(path:context:)``).
package struct KubernetesConnection: Sendable, Equatable {
    /// How requests authenticate.
    package enum Authentication: Sendable, Equatable {
        /// No credentials (a test server, or a proxy that adds them).
        case none
        /// A fixed bearer token.
        case token(String)
        /// A bearer token read from a file before every request, so a rotated projected
        /// service-account token is picked up without a restart.
        case tokenFile(String)
        /// A client certificate and key, PEM.
        case clientCertificate(certificatePEM: [UInt8], keyPEM: [UInt8])
    }

    /// The server's base URL, `https://10.96.0.1:443`.
    package var server: String
    /// PEM roots that verify the server's certificate; nil: the system's roots.
    package var certificateAuthorityPEM: [UInt8]?
    /// Skip verifying the server's certificate (kubeconfig `insecure-skip-tls-verify`).
    package var insecureSkipTLSVerify: Bool
    /// The credentials.
    package var authentication: Authentication

    /// A connection from its parts.
    package init(
        server: String, certificateAuthorityPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        authentication: Authentication = .none
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.authentication = authentication
    }

    /// The directory a pod's service-account credentials are mounted in.
    package static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The pod's own connection: `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the CA bundle
    /// `ca.crt` and the token file `token` (re-read on every request) of the mounted service account.
    /// `environment` defaults to the process's.
    /// - Throws: ``KubernetesConfigurationError`` naming the missing variable or unreadable file.
    package static func inCluster(
        environment: [String: String]? = nil,
        serviceAccountDirectory: String = Self.serviceAccountDirectory
    ) throws(KubernetesConfigurationError) -> KubernetesConnection {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw .notInCluster(missing: "KUBERNETES_SERVICE_HOST")
        }
        let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let tokenPath = serviceAccountDirectory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw .unreadableFile(path: tokenPath, reason: "the service-account token is not mounted")
        }
        let ca = try readFile(serviceAccountDirectory + "/ca.crt", what: "the service-account CA bundle")
        return KubernetesConnection(
            server: "https://\(bracketed):\(port)", certificateAuthorityPEM: ca, authentication: .tokenFile(tokenPath)
        )
    }

    static func readFile(_ path: String, what: String) throws(KubernetesConfigurationError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot read \(what)")
        }
        return Array(data)
    }
}

/// Why a Kubernetes connection could not be configured.
package enum KubernetesConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// In-cluster configuration was asked for outside a pod.
    case notInCluster(missing: String)
    /// A file named by the configuration cannot be read.
    case unreadableFile(path: String, reason: String)
    /// The kubeconfig file is not usable.
    case invalidKubeconfig(path: String, reason: String)

    package var description: String {
        switch self {
        case .notInCluster(let missing): "not running in a Kubernetes pod: \(missing) is not set (use --kubeconfig)"
        case .unreadableFile(let path, let reason): "\(path): \(reason)"
        case .invalidKubeconfig(let path, let reason): "kubeconfig \(path): \(reason)"
        }
    }
}
