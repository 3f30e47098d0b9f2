package import Mesh
internal import EnvoyAPI
internal import Foundation
internal import SwiftProtobuf

/// Builds a proxy identity the way a connecting Envoy presents itself: a node id plus string
/// metadata (`NAMESPACE`, `INSTANCE_IPS`, `LABELS`, ...), for offline generation.
package enum ProxyNode {
    /// The identity of node `id` with `metadata`. `LABELS` may be a JSON object or `k=v,k2=v2`.
    /// - Throws: ``ProxyIdentityError`` when the node does not identify a proxy.
    package static func identity(id: String, metadata: [String: String] = [:]) throws(ProxyIdentityError) -> ProxyIdentity {
        var node = Envoy_Config_Core_V3_Node()
        node.id = id
        for (key, value) in metadata {
            if key == "LABELS" {
                var labels = Google_Protobuf_Struct()
                for (k, v) in parseLabels(value) { labels.fields[k] = Google_Protobuf_Value(stringValue: v) }
                node.metadata.fields[key] = Google_Protobuf_Value(structValue: labels)
            } else {
                node.metadata.fields[key] = Google_Protobuf_Value(stringValue: value)
            }
        }
        return try ProxyIdentity(node: node)
    }

    /// `{"app":"x"}` or `app=x,version=v1`.
    static func parseLabels(_ text: String) -> [String: String] {
        if text.hasPrefix("{"), let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            return object.compactMapValues { $0 as? String }
        }
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { labels[parts[0]] = parts[1] }
        }
        return labels
    }
}
