import Foundation

/// PEM material for a server's TLS listener.
public struct ServerTLSConfiguration: Sendable, Hashable {
    /// The server's certificate chain, PEM.
    public var certificateChain: String
    /// The server's private key, PEM.
    public var privateKey: String
    /// CA certificates that client certificates must chain to; nil accepts no client certificates.
    public var clientCertificateAuthority: String?
    /// With a client CA: whether a verified client certificate is required (mutual TLS) rather
    /// than only verified when offered.
    public var requireClientCertificate: Bool

    /// TLS material given as PEM strings.
    public init(
        certificateChain: String,
        privateKey: String,
        clientCertificateAuthority: String? = nil,
        requireClientCertificate: Bool = true
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCertificateAuthority = clientCertificateAuthority
        self.requireClientCertificate = requireClientCertificate
    }

    /// TLS material read from PEM files.
    /// - Throws: `TransportError` (`invalidCredentials`) naming the file that could not be read.
    public init(
        certificateChainFile: String,
        privateKeyFile: String,
        clientCertificateAuthorityFile: String? = nil,
        requireClientCertificate: Bool = true
    ) throws {
        self.init(
            certificateChain: try readPEM(certificateChainFile),
            privateKey: try readPEM(privateKeyFile),
            clientCertificateAuthority: try clientCertificateAuthorityFile.map(readPEM),
            requireClientCertificate: requireClientCertificate
        )
    }
}

/// PEM material and naming for a client's TLS connection.
public struct ClientTLSConfiguration: Sendable, Hashable {
    /// Root certificates to verify the server with; nil uses the system's roots.
    public var rootCertificates: String?
    /// The client certificate chain for mutual TLS, PEM.
    public var certificateChain: String?
    /// The client private key for mutual TLS, PEM.
    public var privateKey: String?
    /// The name to verify the server certificate against (and send as SNI) instead of the target's
    /// host name.
    public var serverNameOverride: String?

    /// TLS settings given as PEM strings.
    public init(
        rootCertificates: String? = nil,
        certificateChain: String? = nil,
        privateKey: String? = nil,
        serverNameOverride: String? = nil
    ) {
        self.rootCertificates = rootCertificates
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.serverNameOverride = serverNameOverride
    }

    /// TLS settings read from PEM files.
    /// - Throws: `TransportError` (`invalidCredentials`) naming the file that could not be read.
    public init(
        rootCertificatesFile: String?,
        certificateChainFile: String? = nil,
        privateKeyFile: String? = nil,
        serverNameOverride: String? = nil
    ) throws {
        self.init(
            rootCertificates: try rootCertificatesFile.map(readPEM),
            certificateChain: try certificateChainFile.map(readPEM),
            privateKey: try privateKeyFile.map(readPEM),
            serverNameOverride: serverNameOverride
        )
    }
}

private func readPEM(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
        text.contains("-----BEGIN")
    else {
        throw TransportError(code: .invalidCredentials, message: "cannot read PEM file \(path)")
    }
    return text
}
