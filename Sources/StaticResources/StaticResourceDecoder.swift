internal import EnvoyAPI
package import Foundation
internal import Generator
internal import Mesh
internal import SwiftProtobuf
package import XDSCache
internal import Yams

/// Decodes the resource files `serve-static` reads: JSON or YAML, each holding one resource object
/// with an `@type`, a list of them, or `{resources: [...]}`.
package enum StaticResourceDecoder {
    /// A file that could not be decoded.
    package struct FileError: Error, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    /// Message types that may appear at the top level or inside `typed_config` Anys.
    static let knownTypes: [any SwiftProtobuf.Message.Type] = [
        Envoy_Config_Cluster_V3_Cluster.self,
        Envoy_Config_Endpoint_V3_ClusterLoadAssignment.self,
        Envoy_Config_Listener_V3_Listener.self,
        Envoy_Config_Route_V3_RouteConfiguration.self,
        Envoy_Config_Route_V3_ScopedRouteConfiguration.self,
        Envoy_Config_Route_V3_VirtualHost.self,
        Envoy_Extensions_TransportSockets_Tls_V3_Secret.self,
        Envoy_Service_Runtime_V3_Runtime.self,
        Envoy_Config_Core_V3_TypedExtensionConfig.self,
        Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self,
        Envoy_Extensions_Filters_Http_Router_V3_Router.self,
        Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.self,
    ]

    /// Registers `knownTypes` for JSON `Any` decoding (idempotent).
    package static func registerTypes() {
        for type in knownTypes {
            Google_Protobuf_Any.register(messageType: type)
        }
    }

    /// Decodes the resources in a file's contents.
    package static func decode(path: String, contents: Data) throws(FileError) -> [PreparedResource] {
        let object: Any
        do {
            if path.hasSuffix(".json") {
                object = try JSONSerialization.jsonObject(with: contents)
            } else {
                guard let text = String(data: contents, encoding: .utf8) else {
                    throw FileError(path: path, message: "not UTF-8")
                }
                // Composed, not `Yams.load`ed: its constructor traps on some keys (found by fuzzing).
                guard let node = try Yams.compose(yaml: text) else { return [] }
                object = try JSONSerialization.jsonObject(with: Data(try JSONValue(node).serialized().utf8), options: .fragmentsAllowed)
            }
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, message: "cannot parse: \(error)")
        }
        let items: [Any]
        if let list = object as? [Any] {
            items = list
        } else if let dict = object as? [String: Any], dict["@type"] == nil, let list = dict["resources"] as? [Any] {
            items = list
        } else {
            items = [object]
        }
        var resources: [PreparedResource] = []
        for (index, item) in items.enumerated() {
            do {
                resources.append(try decodeResource(item))
            } catch {
                throw FileError(path: path, message: "resource \(index): \(error)")
            }
        }
        return resources
    }

    private static func decodeResource(_ item: Any) throws -> PreparedResource {
        guard let dict = item as? [String: Any], let typeURL = dict["@type"] as? String else {
            throw ResourceError(message: "a resource must be an object with an \"@type\"")
        }
        guard let type = Google_Protobuf_Any.messageType(forTypeURL: typeURL) else {
            throw ResourceError(message: "unknown @type \(typeURL)")
        }
        let json = try JSONSerialization.data(withJSONObject: dict)
        let any = try Google_Protobuf_Any(jsonUTF8Data: json)
        let message = try unpack(type, any)
        return try PreparedResource(message, routeReferences: routeReferences(of: message))
    }

    /// The RDS route configuration names a listener refers to (chains and API listener).
    private static func routeReferences(of message: any SwiftProtobuf.Message) -> [String] {
        (message as? Envoy_Config_Listener_V3_Listener)?.rdsRouteNames ?? []
    }

    private static func unpack<M: SwiftProtobuf.Message>(_ type: M.Type, _ any: Google_Protobuf_Any) throws -> M {
        try M(unpackingAny: any)
    }
}
