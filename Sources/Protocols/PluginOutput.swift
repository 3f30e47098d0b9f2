package import EnvoyAPI
package import SwiftProtobuf

/// What a plugin returns for one listener chain.
package struct PluginOutput: Sendable {
    /// The network filters of the chain, in order (the last one terminates the connection).
    package var filters: [Envoy_Config_Listener_V3_Filter]
    /// Route resources the filters refer to by name, served on the proxy's own ADS stream: RDS
    /// `RouteConfiguration`s, or another filter's route type (Dubbo, Thrift, MetaProtocol). Each is
    /// served under its own type URL (`type.googleapis.com/` + its message name).
    package var routes: [any SwiftProtobuf.Message]
    /// Things the plugin ignored or could not honour (unsupported matches, unknown subsets), sorted
    /// into the generator's diagnostics.
    package var diagnostics: [Diagnostic]
    /// The names of route resources served apart from this output (``ProtocolPlugin/routeResources(_:)``)
    /// that its filters subscribe to, so the snapshot's consistency check knows who refers to them.
    package var routeReferences: [String]

    /// An output from its parts.
    package init(
        filters: [Envoy_Config_Listener_V3_Filter], routes: [any SwiftProtobuf.Message] = [],
        diagnostics: [Diagnostic] = [], routeReferences: [String] = []
    ) {
        self.filters = filters
        self.routes = routes
        self.diagnostics = diagnostics
        self.routeReferences = routeReferences
    }
}

extension Envoy_Config_Listener_V3_Filter {
    /// A network filter with `name` and `config` packed as its `typed_config`.
    /// - Throws: ``PluginError`` if the config cannot be packed.
    package static func typed(_ name: String, _ config: any SwiftProtobuf.Message) throws(PluginError) -> Self {
        var filter = Self()
        filter.name = name
        filter.typedConfig = try Google_Protobuf_Any.packing(config, plugin: name)
        return filter
    }
}

extension Google_Protobuf_Any {
    /// `config` packed with the `type.googleapis.com/` prefix, errors mapped to ``PluginError``.
    /// Serialized with deterministic map order (RBAC policies, JSON log formats are maps), since
    /// resource versions come from the bytes.
    package static func packing(_ config: any SwiftProtobuf.Message, plugin: String) throws(PluginError) -> Self {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        do {
            var any = Google_Protobuf_Any()
            any.typeURL = "type.googleapis.com/" + type(of: config).protoMessageName
            any.value = try config.serializedBytes(options: options)
            return any
        } catch {
            throw PluginError(plugin: plugin, message: "cannot pack \(type(of: config).protoMessageName): \(error)")
        }
    }
}
