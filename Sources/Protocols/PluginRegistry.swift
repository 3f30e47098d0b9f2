package import Mesh

/// The protocol plugins of one program, keyed by protocol name, plus the fallback used for ports no
/// plugin claims (`tcp_proxy`).
///
/// Built once at the root (the CLI, the server) and passed down; there is no global registration.
package struct PluginRegistry: Sendable {
    /// Plugins by protocol name.
    package let plugins: [String: any ProtocolPlugin]
    /// The plugin for ports no other plugin claims.
    package let fallback: any ProtocolPlugin

    /// A registry of `plugins`; a later plugin claiming the same name replaces an earlier one.
    package init(_ plugins: [any ProtocolPlugin], fallback: any ProtocolPlugin = TCPProxyPlugin()) {
        var byName: [String: any ProtocolPlugin] = [:]
        for plugin in plugins {
            for name in plugin.protocolNames { byName[name] = plugin }
        }
        self.plugins = byName
        self.fallback = fallback
    }

    /// HTTP (HTTP/2, gRPC, gRPC-Web), Dubbo, Thrift, Redis, MetaProtocol, and the observing filters
    /// of Kafka, ZooKeeper, MongoDB and MySQL, with `tcp_proxy` for everything else.
    package static var standard: PluginRegistry {
        PluginRegistry(
            [HTTPPlugin(), DubboPlugin(), ThriftPlugin(), RedisPlugin(), MetaProtocolPlugin()]
                + [ObserverFilter.kafka, .zookeeper, .mongo, .mysql].map(ObserverFilterPlugin.init),
            fallback: TCPProxyPlugin()
        )
    }

    /// The plugin that handles `protocol`, or the fallback.
    package func plugin(for protocol: MeshProtocol) -> any ProtocolPlugin {
        plugins[`protocol`.pluginName] ?? fallback
    }

    /// The registered protocol names, sorted.
    package var names: [String] { plugins.keys.sorted() }
}

extension MeshProtocol {
    /// The registry key of this protocol: `dubbo`, `thrift`, `redis`, `metaprotocol`, `http`, `tcp`, ...
    package var pluginName: String {
        switch self {
        case .metaProtocol: "metaprotocol"
        default: description.lowercased()
        }
    }
}
