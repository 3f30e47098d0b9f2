/// A plugin whose outbound chain refers by name to a route resource built apart from the listener
/// (HTTP's RDS `RouteConfiguration` named after the port).
///
/// The generator keeps the two in separate table entries: the listener from
/// ``ProtocolPlugin/outboundFilters(_:)``, which must not read the bindings' VirtualServices, and
/// the routes from ``outboundRoutes(_:)``, which does. A VirtualService edit then rebuilds and
/// pushes only the route resource.
public protocol RouteConfigurationPlugin: ProtocolPlugin {
    /// The route resources of an outbound listener port (its ``PluginOutput/routes``; its filters
    /// are ignored).
    /// - Throws: ``PluginError`` when the routes cannot be built (the generator reports it).
    func outboundRoutes(_ context: OutboundContext) throws(PluginError) -> PluginOutput
}
