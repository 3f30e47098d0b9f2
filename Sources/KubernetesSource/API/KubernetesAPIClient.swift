internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL

/// The few Kubernetes API calls Aeraki makes — list, watch, patch status — over AsyncHTTPClient.
///
/// The bearer token of a ``KubernetesConnection/Authentication/tokenFile(_:)`` is read before
/// every request, so a rotated service-account token is used as soon as the kubelet writes it.
package final class KubernetesAPIClient: Sendable {
    /// A list response: the objects and the collection's resource version to watch from.
    package struct ObjectList: Sendable {
        /// The objects.
        package var items: [KubernetesObject]
        /// `metadata.resourceVersion` of the list.
        package var resourceVersion: String

        /// A list from its parts.
        package init(items: [KubernetesObject], resourceVersion: String) {
            self.items = items
            self.resourceVersion = resourceVersion
        }
    }

    /// One watch event.
    package enum WatchEvent: Sendable, Equatable {
        case added(KubernetesObject)
        case modified(KubernetesObject)
        case deleted(KubernetesObject)
        /// The collection reached this resource version; nothing else changed.
        case bookmark(resourceVersion: String)
    }

    private let connection: KubernetesConnection
    private let http: HTTPClient
    /// How long a watch may stay open before the server ends it (`timeoutSeconds`).
    let watchTimeoutSeconds: Int

    /// A client for `connection` that holds up to `watches` watches open at once (each holds an
    /// HTTP/1 connection for its whole life; lists, status writes and the Lease get a few more).
    /// - Throws: ``KubernetesConfigurationError`` when its certificates or key do not parse.
    package init(connection: KubernetesConnection, watchTimeoutSeconds: Int = 300, watches: Int = 8) throws(KubernetesConfigurationError) {
        self.connection = connection
        self.watchTimeoutSeconds = watchTimeoutSeconds
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = connection.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if connection.insecureSkipTLSVerify { tls.certificateVerification = .none }
            if case .clientCertificate(let certificate, let key) = connection.authentication {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw .unreadableFile(path: connection.server, reason: "TLS material does not parse: \(error)")
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(5))
        configuration.httpVersion = .http1Only
        // The pool queues requests beyond this many connections: a watch past it would never start.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = watches + 4
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the client's connections.
    package func shutdown() async {
        try? await http.shutdown()
    }

    /// Lists the collection at `path` (`/api/v1/services`, ``APIResource/collectionPath(namespace:)``)
    /// in every namespace.
    package func list(_ path: String) async throws(KubernetesAPIError) -> ObjectList {
        let response = try await execute(path, query: [:], deadline: .now() + .seconds(60))
        let body = try await collect(response, path: path)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw .decoding(path: path, reason: "the list is not a JSON object")
        }
        let items = object["items"] as? [[String: Any]] ?? []
        let version = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? ""
        var objects: [KubernetesObject] = []
        for item in items { objects.append(try KubernetesObject(item)) }
        return ObjectList(items: objects, resourceVersion: version)
    }

    /// Watches the collection at `path` from `resourceVersion` (with bookmarks), calling `onEvent`
    /// for each event until the server ends the watch. An `ERROR` event ends it by throwing.
    package func watch(
        _ path: String, from resourceVersion: String, onEvent: (WatchEvent) async throws(KubernetesAPIError) -> Void
    ) async throws(KubernetesAPIError) {
        let query = [
            "watch": "true", "resourceVersion": resourceVersion, "allowWatchBookmarks": "true",
            "timeoutSeconds": String(watchTimeoutSeconds),
        ]
        let response = try await execute(path, query: query, deadline: .now() + .seconds(Int64(watchTimeoutSeconds) + 30))
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 16)).map { Array($0.readableBytesView) } ?? []
            throw Self.failure(path: path, code: Int(response.status.code), body: body)
        }
        var pending: [UInt8] = []
        do {
            for try await chunk in response.body {
                pending += chunk.readableBytesView
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                    try await onEvent(try Self.event(line, path: path))
                }
            }
        } catch let error as KubernetesAPIError {
            throw error
        } catch {
            throw .transport(path: path, reason: "watch stream broke: \(error)")
        }
    }

    /// Merge-patches the `status` subresource of `name` with `patch`.
    package func patchStatus(_ resource: APIResource, namespace: String, name: String, patch: [UInt8]) async throws(KubernetesAPIError) {
        let path = resource.statusPath(namespace: namespace, name: name)
        let response = try await execute(
            path, query: [:], method: .PATCH, body: patch, contentType: "application/merge-patch+json", deadline: .now() + .seconds(30)
        )
        _ = try await collect(response, path: path, limit: 1 << 20)
    }

    /// The object at `path`, or nil when it does not exist (404).
    package func get(_ path: String) async throws(KubernetesAPIError) -> [String: Any]? {
        let response = try await execute(path, query: [:], deadline: .now() + .seconds(30))
        if response.status == .notFound {
            _ = try? await response.body.collect(upTo: 1 << 16)
            return nil
        }
        return try await jsonObject(try await collect(response, path: path, limit: 1 << 20), path: path)
    }

    /// Creates `object` in the collection at `path` (POST); a `409` means it already exists.
    package func create(_ path: String, object: [String: Any]) async throws(KubernetesAPIError) -> [String: Any] {
        try await write(path, method: .POST, object: object)
    }

    /// Replaces the object at `path` with `object` (PUT); its `metadata.resourceVersion` is the
    /// precondition, and a `409` means another writer came first.
    package func replace(_ path: String, object: [String: Any]) async throws(KubernetesAPIError) -> [String: Any] {
        try await write(path, method: .PUT, object: object)
    }

    private func write(_ path: String, method: HTTPMethod, object: [String: Any]) async throws(KubernetesAPIError) -> [String: Any] {
        guard let body = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw .decoding(path: path, reason: "the object cannot be encoded")
        }
        let response = try await execute(
            path, query: [:], method: method, body: Array(body), contentType: "application/json", deadline: .now() + .seconds(30)
        )
        return try await jsonObject(try await collect(response, path: path, limit: 1 << 20), path: path)
    }

    private func jsonObject(_ bytes: [UInt8], path: String) async throws(KubernetesAPIError) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw .decoding(path: path, reason: "the response is not a JSON object")
        }
        return object
    }

    // MARK: Plumbing

    private func execute(
        _ path: String, query: [String: String], method: HTTPMethod = .GET, body: [UInt8]? = nil, contentType: String? = nil,
        deadline: NIODeadline
    ) async throws(KubernetesAPIError) -> HTTPClientResponse {
        var components = URLComponents()
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let suffix = query.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? "")
        var request = HTTPClientRequest(url: connection.server + path + suffix)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "aeraki")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let token = try bearerToken(path: path) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await http.execute(request, deadline: deadline)
        } catch {
            throw .transport(path: path, reason: "\(error)")
        }
    }

    private func bearerToken(path: String) throws(KubernetesAPIError) -> String? {
        switch connection.authentication {
        case .token(let token): return token
        case .tokenFile(let file):
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .transport(path: path, reason: "cannot read the token file \(file)")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        case .none, .clientCertificate: return nil
        }
    }

    private func collect(_ response: HTTPClientResponse, path: String, limit: Int = 256 << 20) async throws(KubernetesAPIError) -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: limit)
        } catch {
            throw .transport(path: path, reason: "reading the response: \(error)")
        }
        let bytes = Array(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.failure(path: path, code: Int(response.status.code), body: bytes)
        }
        return bytes
    }

    /// The error for a failed request or an `ERROR` watch event, from its `Status` body.
    static func failure(path: String, code: Int, body: [UInt8]) -> KubernetesAPIError {
        let status = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let message = status?["message"] as? String ?? String(decoding: body.prefix(200), as: UTF8.self)
        let statusCode = (status?["code"] as? NSNumber)?.intValue ?? code
        if statusCode == 410 || status?["reason"] as? String == "Expired" || status?["reason"] as? String == "Gone" {
            return .gone(path: path, message: message)
        }
        return .status(path: path, code: statusCode, message: message)
    }

    /// Decodes one line of a watch stream.
    static func event(_ line: [UInt8], path: String) throws(KubernetesAPIError) -> WatchEvent {
        guard let event = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let type = event["type"] as? String, let object = event["object"] as? [String: Any]
        else {
            throw .decoding(path: path, reason: "a watch event is not {type, object}: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch type {
        case "ADDED": return .added(try KubernetesObject(object))
        case "MODIFIED": return .modified(try KubernetesObject(object))
        case "DELETED": return .deleted(try KubernetesObject(object))
        case "BOOKMARK":
            let version = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? ""
            return .bookmark(resourceVersion: version)
        case "ERROR":
            let body = (try? JSONSerialization.data(withJSONObject: object)).map { Array($0) } ?? []
            throw failure(path: path, code: (object["code"] as? NSNumber)?.intValue ?? 500, body: body)
        default:
            throw .decoding(path: path, reason: "unknown watch event type \(type)")
        }
    }
}
