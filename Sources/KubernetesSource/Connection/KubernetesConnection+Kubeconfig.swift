internal import Foundation
internal import Yams

extension KubernetesConnection {
    /// The connection of a kubeconfig file's `context` (its `current-context` when nil): the
    /// cluster's `server`, `certificate-authority(-data)` and `insecure-skip-tls-verify`, and the
    /// user's `token`, `tokenFile`, or `client-certificate(-data)` with `client-key(-data)`.
    /// Relative file paths are resolved against the kubeconfig's directory, as kubectl does.
    /// Exec and auth-provider plugins are not supported.
    /// - Throws: ``KubernetesConfigurationError`` naming the file and what is wrong in it.
    package static func kubeconfig(path: String, context: String? = nil) throws(KubernetesConfigurationError) -> KubernetesConnection {
        let text = String(decoding: try readFile(path, what: "the kubeconfig"), as: UTF8.self)
        let root: [String: Any]
        do {
            guard let loaded = try Yams.load(yaml: text) as? [String: Any] else {
                throw KubernetesConfigurationError.invalidKubeconfig(path: path, reason: "not a YAML mapping")
            }
            root = loaded
        } catch let error as KubernetesConfigurationError {
            throw error
        } catch {
            throw .invalidKubeconfig(path: path, reason: "invalid YAML: \(error)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func bad(_ reason: String) -> KubernetesConfigurationError { .invalidKubeconfig(path: path, reason: reason) }
        func named(_ list: String, _ name: String, _ inner: String) throws(KubernetesConfigurationError) -> [String: Any] {
            let entries = root[list] as? [[String: Any]] ?? []
            guard let entry = entries.first(where: { $0["name"] as? String == name }) else {
                throw bad("no \(list) entry named \"\(name)\"")
            }
            return entry[inner] as? [String: Any] ?? [:]
        }
        func file(_ value: String) -> String { value.hasPrefix("/") ? value : directory + "/" + value }
        func bytes(_ section: [String: Any], _ key: String) throws(KubernetesConfigurationError) -> [UInt8]? {
            if let data = section["\(key)-data"] as? String {
                guard let decoded = Data(base64Encoded: data.filter { !$0.isWhitespace }) else { throw bad("\(key)-data is not base64") }
                return Array(decoded)
            }
            if let name = section[key] as? String { return try readFile(file(name), what: key) }
            return nil
        }

        guard let contextName = context ?? (root["current-context"] as? String), !contextName.isEmpty else {
            throw bad("no context given and no current-context set")
        }
        let contextEntry = try named("contexts", contextName, "context")
        guard let clusterName = contextEntry["cluster"] as? String else { throw bad("context \"\(contextName)\" names no cluster") }
        let cluster = try named("clusters", clusterName, "cluster")
        guard let server = cluster["server"] as? String, !server.isEmpty else { throw bad("cluster \"\(clusterName)\" has no server") }
        let user = try (contextEntry["user"] as? String).map { name throws(KubernetesConfigurationError) in try named("users", name, "user") } ?? [:]

        let authentication: Authentication
        if let token = user["token"] as? String, !token.isEmpty {
            authentication = .token(token)
        } else if let tokenFile = user["tokenFile"] as? String, !tokenFile.isEmpty {
            authentication = .tokenFile(file(tokenFile))
        } else if let certificate = try bytes(user, "client-certificate") {
            guard let key = try bytes(user, "client-key") else { throw bad("client-certificate without client-key") }
            authentication = .clientCertificate(certificatePEM: certificate, keyPEM: key)
        } else if user["exec"] != nil || user["auth-provider"] != nil {
            throw bad("exec and auth-provider credentials are not supported; use a token or a client certificate")
        } else {
            authentication = .none
        }
        return KubernetesConnection(
            server: server, certificateAuthorityPEM: try bytes(cluster, "certificate-authority"),
            insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] as? Bool ?? false, authentication: authentication
        )
    }
}
