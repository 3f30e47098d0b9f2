import Foundation
import SwiftProtobuf
package import XDSCache

/// Renders a snapshot in the shape of Envoy's `/config_dump`: one `*ConfigDump` per xDS type, each
/// resource as JSON with its `@type`, under the field Envoy uses (`dynamic_active_clusters`,
/// `dynamic_listeners[].active_state`, `dynamic_route_configs`, `dynamic_endpoint_configs`).
///
/// Resources are decoded from their cached bytes; a message type that is not registered for JSON
/// `Any` (see `Google_Protobuf_Any.register`) is shown as its name, type and size instead.
package enum EnvoyConfigDump {
    /// The config dump of `snapshot` for `proxyID`.
    package static func render(_ snapshot: Snapshot, proxyID: String) -> JSONText {
        var configs: [JSONText] = []
        let clusters = snapshot.resources(TypeURL.cluster)
        configs.append(section(
            "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", version: clusters.version,
            field: "dynamic_active_clusters", items: clusters.sorted.map { resource in
                .orderedObject([("version_info", .string(clusters.version)), ("cluster", resourceJSON(resource))])
            }
        ))
        let endpoints = snapshot.resources(TypeURL.endpoint)
        configs.append(section(
            "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", version: nil,
            field: "dynamic_endpoint_configs", items: endpoints.sorted.map { resource in
                .orderedObject([("version_info", .string(endpoints.version)), ("endpoint_config", resourceJSON(resource))])
            }
        ))
        let listeners = snapshot.resources(TypeURL.listener)
        configs.append(section(
            "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", version: listeners.version,
            field: "dynamic_listeners", items: listeners.sorted.map { resource in
                .orderedObject([
                    ("name", .string(resource.name)),
                    ("active_state", .orderedObject([
                        ("version_info", .string(listeners.version)), ("listener", resourceJSON(resource)),
                    ])),
                ])
            }
        ))
        let routes = snapshot.resources(TypeURL.route)
        configs.append(section(
            "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", version: nil,
            field: "dynamic_route_configs", items: routes.sorted.map { resource in
                .orderedObject([("version_info", .string(routes.version)), ("route_config", resourceJSON(resource))])
            }
        ))
        let known: Set<String> = [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, TypeURL.route]
        for typeURL in snapshot.types.keys.sorted() where !known.contains(typeURL) {
            let resources = snapshot.resources(typeURL)
            configs.append(.orderedObject([
                ("@type", .string("type.googleapis.com/envoy.admin.v3.GenericConfigDump")),
                ("type_url", .string(typeURL)),
                ("version_info", .string(resources.version)),
                ("resources", .array(resources.sorted.map(resourceJSON))),
            ]))
        }
        return .orderedObject([("proxy", .string(proxyID)), ("configs", .array(configs))])
    }

    private static func section(_ type: String, version: String?, field: String, items: [JSONText]) -> JSONText {
        var fields: [(String, JSONText)] = [("@type", .string(type))]
        if let version { fields.append(("version_info", .string(version))) }
        fields.append((field, .array(items)))
        return .orderedObject(fields)
    }

    /// One resource as protobuf JSON with its `@type`, or a placeholder when its type is unknown.
    package static func resourceJSON(_ resource: PreparedResource) -> JSONText {
        var any = Google_Protobuf_Any()
        any.typeURL = resource.typeURL
        any.value = Data(resource.bytes)
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        if let json = try? any.jsonString(options: options) {
            return .raw(json)
        }
        return .orderedObject([
            ("@type", .string(resource.typeURL)),
            ("name", .string(resource.name)),
            ("error", .string("this message type is not registered for JSON; showing its size only")),
            ("bytes", .int(resource.bytes.count)),
        ])
    }
}
