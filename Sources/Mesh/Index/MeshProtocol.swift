/// The protocol of a service port, as Aeraki and Istio detect it.
package enum MeshProtocol: Sendable, Hashable, CustomStringConvertible {
    // Aeraki's layer-7 protocols, from the port name's second `-` token.
    case dubbo, thrift, mongo, redis, mysql, kafka, zookeeper
    /// A MetaProtocol port: `tcp-metaprotocol-<application>`; `codec` is nil when no
    /// ApplicationProtocol (or built-in) names the application protocol's codec.
    case metaProtocol(application: String, codec: String?)
    // Istio's protocols, from the port's `protocol` (the Kubernetes Service's `appProtocol`).
    case http, http2, grpc, grpcWeb, https, tls, tcp, udp, httpProxy
    /// No protocol could be detected (Istio sniffs such ports).
    case unknown

    package var description: String {
        switch self {
        case .dubbo: "dubbo"
        case .thrift: "thrift"
        case .mongo: "mongo"
        case .redis: "redis"
        case .mysql: "mysql"
        case .kafka: "kafka"
        case .zookeeper: "zookeeper"
        case .metaProtocol(let app, let codec): "metaprotocol-\(app)" + (codec.map { "(\($0))" } ?? "(no codec)")
        case .http: "HTTP"
        case .http2: "HTTP2"
        case .grpc: "GRPC"
        case .grpcWeb: "GRPC-Web"
        case .https: "HTTPS"
        case .tls: "TLS"
        case .tcp: "TCP"
        case .udp: "UDP"
        case .httpProxy: "HTTP_PROXY"
        case .unknown: "unknown"
        }
    }

    /// Whether an Aeraki protocol plugin handles this port (Istio sees it as TCP).
    package var isAerakiProtocol: Bool {
        switch self {
        case .dubbo, .thrift, .mongo, .redis, .mysql, .kafka, .zookeeper, .metaProtocol: true
        default: false
        }
    }

    /// Whether Envoy manages the port with an HTTP connection manager (Istio's listener protocol
    /// class HTTP: HTTP, HTTP2, gRPC, gRPC-Web, HTTP_PROXY).
    package var isHTTP: Bool {
        switch self {
        case .http, .http2, .grpc, .grpcWeb, .httpProxy: true
        default: false
        }
    }

    /// Whether upstream connections speak HTTP/2 (Istio's `IsHTTP2`: HTTP2, gRPC, gRPC-Web).
    package var isHTTP2: Bool {
        switch self {
        case .http2, .grpc, .grpcWeb: true
        default: false
        }
    }

    /// Whether the port carries gRPC (Istio's `IsGRPC`: gRPC, gRPC-Web).
    package var isGRPC: Bool {
        switch self {
        case .grpc, .grpcWeb: true
        default: false
        }
    }

    /// Whether this is a MetaProtocol port (`tcp-metaprotocol-<application>-…`).
    package var isMetaProtocol: Bool {
        if case .metaProtocol = self { true } else { false }
    }

    /// Codecs Aeraki registers without an ApplicationProtocol resource.
    package static let builtInCodecs: [String: String] = [
        "dubbo": "aeraki.meta_protocol.codec.dubbo",
        "thrift": "aeraki.meta_protocol.codec.thrift",
    ]

    /// Detects a port's protocol.
    ///
    /// The port name's second `-` token (lower-cased) wins: `tcp-dubbo`, `tcp-Dubbo-28001`,
    /// `tcp-metaprotocol-brpc` (application protocol = third token; a bare `tcp-metaprotocol` is
    /// `.unknown`, where Aeraki panics). Otherwise the Istio `protocol` field (case-insensitive),
    /// which also accepts Aeraki names (`appProtocol: dubbo`); otherwise the name's first token as
    /// Istio reads Kubernetes port names (`http-web`, `grpc`; a name starting with `grpc-web` is
    /// gRPC-Web, checked before the `-` split as `ConvertProtocol` does); otherwise `.unknown`.
    /// The Kubernetes `appProtocol` values `kubernetes.io/h2c` (and `h2c`), `kubernetes.io/ws` and
    /// `kubernetes.io/wss` are HTTP2, HTTP and HTTPS.
    /// - Parameter codecs: application protocol → codec, from ApplicationProtocol resources.
    package static func detect(portName: String, protocol: String, codecs: [String: String]) -> MeshProtocol {
        let tokens = portName.split(separator: "-", omittingEmptySubsequences: false).map { $0.lowercased() }
        if tokens.count > 1 {
            if tokens[1] == "metaprotocol" {
                guard tokens.count > 2, !tokens[2].isEmpty else { return .unknown }
                // ApplicationProtocol lookup is case-sensitive in Aeraki; the name token keeps its case.
                let application = String(portName.split(separator: "-", omittingEmptySubsequences: false)[2])
                return .metaProtocol(application: application, codec: codecs[application] ?? builtInCodecs[application])
            }
            if let aeraki = aerakiName(tokens[1]) { return aeraki }
        }
        let declared = `protocol`.lowercased()
        if declared == "metaprotocol" { return .unknown }
        if let aeraki = aerakiName(declared) { return aeraki }
        if let istio = istioName(declared) { return istio }
        if portName.lowercased().hasPrefix("grpc-web") { return .grpcWeb }
        if let first = tokens.first, let istio = istioName(first) { return istio }
        return .unknown
    }

    private static func aerakiName(_ token: String) -> MeshProtocol? {
        switch token {
        case "dubbo": .dubbo
        case "thrift": .thrift
        case "mongo": .mongo
        case "redis": .redis
        case "mysql": .mysql
        case "kafka": .kafka
        case "zookeeper": .zookeeper
        default: nil
        }
    }

    private static func istioName(_ token: String) -> MeshProtocol? {
        switch token {
        case "http": .http
        case "http2", "h2c", "kubernetes.io/h2c": .http2
        case "kubernetes.io/ws": .http
        case "kubernetes.io/wss": .https
        case "grpc": .grpc
        case "grpc-web": .grpcWeb
        case "https": .https
        case "tls": .tls
        case "tcp": .tcp
        case "udp": .udp
        case "http_proxy": .httpProxy
        default: nil
        }
    }
}
