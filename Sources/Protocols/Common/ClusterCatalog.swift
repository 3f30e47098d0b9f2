/// The outbound clusters that exist for one proxy, and the ports of each visible host, so plugins
/// resolve route destinations the way istiod does and never name a cluster that does not exist.
public struct ClusterCatalog: Sendable, Hashable {
    /// Every cluster name.
    public var names: Set<String>
    /// Host → its service port numbers, sorted.
    public var portsByHost: [String: [UInt32]]

    /// A catalog from its parts.
    public init(names: Set<String> = [], portsByHost: [String: [UInt32]] = [:]) {
        self.names = names
        self.portsByHost = portsByHost
    }

    /// Whether a cluster named `name` exists.
    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// The port a route destination without an explicit port goes to: the destination service's only
    /// port when it has exactly one, else the listener's port (`route.GetDestinationCluster`).
    public func port(forHost host: String, explicit: UInt32, listenerPort: UInt32) -> UInt32 {
        if explicit != 0 { return explicit }
        if let ports = portsByHost[host], ports.count == 1 { return ports[0] }
        return listenerPort
    }
}
