package import EnvoyAPI
internal import SwiftProtobuf
internal import XDSCache

/// Renders a ``GeneratedConfig`` in the shape of Envoy's `/config_dump`: an
/// `envoy.admin.v3.ConfigDump` with listeners, clusters, endpoints and routes dumps, every resource
/// as a dynamic, active resource whose version is its content hash. No timestamps, so equal input
/// renders equal bytes.
package enum ConfigDumpRenderer {
    /// The config dump message.
    /// - Throws: a packing error (not expected for generated messages).
    package static func dump(_ config: GeneratedConfig) throws -> Envoy_Admin_V3_ConfigDump {
        var listeners = Envoy_Admin_V3_ListenersConfigDump()
        listeners.dynamicListeners = try config.listeners.map { listener in
            var state = Envoy_Admin_V3_ListenersConfigDump.DynamicListenerState()
            state.versionInfo = try version(listener)
            state.listener = try Google_Protobuf_Any(message: listener)
            var dynamic = Envoy_Admin_V3_ListenersConfigDump.DynamicListener()
            dynamic.name = listener.name
            dynamic.activeState = state
            return dynamic
        }
        var clusters = Envoy_Admin_V3_ClustersConfigDump()
        clusters.dynamicActiveClusters = try config.clusters.map { cluster in
            var dynamic = Envoy_Admin_V3_ClustersConfigDump.DynamicCluster()
            dynamic.versionInfo = try version(cluster)
            dynamic.cluster = try Google_Protobuf_Any(message: cluster)
            return dynamic
        }
        var endpoints = Envoy_Admin_V3_EndpointsConfigDump()
        endpoints.dynamicEndpointConfigs = try config.endpoints.map { assignment in
            var dynamic = Envoy_Admin_V3_EndpointsConfigDump.DynamicEndpointConfig()
            dynamic.versionInfo = try version(assignment)
            dynamic.endpointConfig = try Google_Protobuf_Any(message: assignment)
            return dynamic
        }
        var routes = Envoy_Admin_V3_RoutesConfigDump()
        routes.dynamicRouteConfigs = try config.routes.map { route in
            var dynamic = Envoy_Admin_V3_RoutesConfigDump.DynamicRouteConfig()
            dynamic.versionInfo = try version(route)
            dynamic.routeConfig = try Google_Protobuf_Any(message: route)
            return dynamic
        }
        var dump = Envoy_Admin_V3_ConfigDump()
        dump.configs = [
            try Google_Protobuf_Any(message: listeners), try Google_Protobuf_Any(message: clusters),
            try Google_Protobuf_Any(message: endpoints), try Google_Protobuf_Any(message: routes),
        ]
        // As Envoy dumps `drds` / `trds` routes: a RoutesConfigDump per route type.
        for typeURL in config.filterRoutes.keys.sorted() {
            var typed = Envoy_Admin_V3_RoutesConfigDump()
            typed.dynamicRouteConfigs = config.filterRoutes[typeURL]!.map { route in
                var dynamic = Envoy_Admin_V3_RoutesConfigDump.DynamicRouteConfig()
                dynamic.versionInfo = ContentHash.hex(of: route.value)
                dynamic.routeConfig = route
                return dynamic
            }
            dump.configs.append(try Google_Protobuf_Any(message: typed))
        }
        return dump
    }

    /// The dump as indented JSON with proto field names (as Envoy prints it) and sorted map keys.
    /// - Throws: an encoding error (not expected for generated messages).
    package static func json(_ config: GeneratedConfig) throws -> String {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        options.useDeterministicOrdering = true
        return JSONIndenter.indent(try dump(config).jsonString(options: options)) + "\n"
    }

    static func version(_ message: any SwiftProtobuf.Message) throws -> String {
        try PreparedResource(message).version
    }
}
