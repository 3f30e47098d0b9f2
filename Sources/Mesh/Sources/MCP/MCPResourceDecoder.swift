internal import Foundation
internal import MeshAPI
internal import SwiftProtobuf

/// Decodes one MCP item: an `Any` holding `istio.mcp.v1alpha1.Resource` whose body is the spec.
enum MCPResourceDecoder {
    static let resourceTypeURL = "type.googleapis.com/istio.mcp.v1alpha1.Resource"

    /// What one item held.
    enum Item {
        /// A decoded resource.
        case resource(MeshResource)
        /// The envelope decoded and names `key`, but the body could not be decoded.
        case undecodable(key: ConfigKey, version: String, reason: String)
        /// Not even a name could be read.
        case invalid(reason: String)
    }

    /// Decodes `any`, an item of `kind` received under `typeURL`.
    static func decode(_ any: Google_Protobuf_Any, kind: ConfigKind, typeURL: String) -> Item {
        guard any.typeURL == resourceTypeURL else {
            return .invalid(reason: "item type \(any.typeURL) is not \(resourceTypeURL)")
        }
        let envelope: Istio_Mcp_V1alpha1_Resource
        do {
            envelope = try Istio_Mcp_V1alpha1_Resource(serializedBytes: any.value)
        } catch {
            return .invalid(reason: "cannot decode the MCP envelope: \(error)")
        }
        return decode(envelope, kind: kind, typeURL: typeURL)
    }

    /// Decodes an envelope.
    static func decode(_ envelope: Istio_Mcp_V1alpha1_Resource, kind: ConfigKind, typeURL: String) -> Item {
        guard let key = key(name: envelope.metadata.name, kind: kind) else {
            return .invalid(reason: "resource name \"\(envelope.metadata.name)\" is not namespace/name")
        }
        let metadata = envelope.metadata
        let expectedBody = "type.googleapis.com/\(kind.protoMessageName)"
        guard envelope.body.typeURL == expectedBody else {
            return .undecodable(key: key, version: metadata.version,
                                reason: "body type \(envelope.body.typeURL) is not \(expectedBody)")
        }
        do {
            let spec = try MeshSpec(kind: kind, any: envelope.body)
            return .resource(MeshResource(
                key: key, spec: spec, labels: metadata.labels, annotations: metadata.annotations,
                creationTime: metadata.hasCreateTime ? metadata.createTime.date : nil, version: metadata.version,
                source: "mcp \(typeURL)"
            ))
        } catch {
            return .undecodable(key: key, version: metadata.version, reason: "cannot decode the body: \(error)")
        }
    }

    /// `namespace/name` (or `/name` for cluster-scoped kinds) as a key.
    static func key(name: String, kind: ConfigKind) -> ConfigKey? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        if kind.isNamespaced, parts[0].isEmpty { return nil }
        return ConfigKey(kind: kind, namespace: kind.isNamespaced ? parts[0] : "", name: parts[1])
    }
}
