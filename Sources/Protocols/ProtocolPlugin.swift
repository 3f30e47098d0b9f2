internal import EnvoyAPI
package import Mesh

/// A protocol plugin: turns one service port plus its routing rules into the network filters (and any
/// routes or cluster options) that manage it, for the outbound side and the inbound side.
///
/// Plugins are values. A ``PluginRegistry`` holding them is built at the root of the program and
/// passed to the generator; nothing registers itself. Adding a protocol is adding a plugin.
package protocol ProtocolPlugin: Sendable {
    /// The protocol names this plugin claims (``PluginRegistry`` keys, e.g. `dubbo`, `thrift`).
    var protocolNames: [String] { get }

    /// The filters of the outbound listener chain for a service port (and the other services sharing
    /// that listener, see ``OutboundContext/bindings``).
    /// - Throws: ``PluginError`` when the port cannot be configured; the generator then falls back to
    ///   the registry's fallback plugin for that port and records the error.
    func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput

    /// The filters of the `virtualInbound` chain for one of the proxy's own service ports.
    /// - Throws: ``PluginError`` when the port cannot be configured (the fallback is used instead).
    func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput

    /// Whether the outbound filters for `proxy` name their routes for the proxy to fetch (route
    /// discovery) instead of holding them inline. The listener then does not depend on the routing
    /// rules: the generator keeps it apart from its route resources, so a rule change rebuilds and
    /// pushes only the routes and the listener (and its connections) stays.
    func discoversRoutes(for proxy: ProxyIdentity) -> Bool

    /// Whether the plugin serves route resources of each service port apart from its listeners
    /// (``routeResources(_:)``); the generator asks only such plugins.
    var servesRouteResources: Bool { get }

    /// The route resources of one service port (MetaProtocol RDS `<host>_<port>`, built from the
    /// host's MetaRouter), served on the proxy's ADS stream and built as their own shared entries (a
    /// MetaRouter edit rebuilds them, not the listeners); only `routes` and `diagnostics` are used.
    /// - Throws: ``PluginError`` when the routes cannot be built (none are served, the error is recorded).
    func routeResources(_ context: RouteContext) throws(PluginError) -> PluginOutput
}

extension ProtocolPlugin {
    /// Routes inline (the default).
    package func discoversRoutes(for proxy: ProxyIdentity) -> Bool { false }

    /// Most plugins carry their routes inside the listener's filters.
    package var servesRouteResources: Bool { false }

    /// No route resources.
    package func routeResources(_ context: RouteContext) throws(PluginError) -> PluginOutput { PluginOutput(filters: []) }
}

/// A plugin that cannot configure a port.
package struct PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plugin's protocol.
    package var plugin: String
    /// What is wrong.
    package var message: String
    /// The diagnostic code the generator records it under.
    package var code: DiagnosticCode

    /// An error from its parts.
    package init(plugin: String, message: String, code: DiagnosticCode = .pluginFailure) {
        self.plugin = plugin
        self.message = message
        self.code = code
    }

    package var description: String { "\(plugin): \"\(message)\"" }
}
