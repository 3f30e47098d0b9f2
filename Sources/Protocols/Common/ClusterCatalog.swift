/// The outbound clusters that exist for one proxy, and the ports of each visible host, so plugins
/// resolve route destinations the way istiod does and never name a cluster that does not exist.
package struct ClusterCatalog: Sendable, Hashable {
    /// Every cluster name.
    package var names: Set<String>
    /// Host → its service port numbers, sorted.
    package var portsByHost: [String: [UInt32]]

    /// A catalog from its parts.
    package init(names: Set<String> = [], portsByHost: [String: [UInt32]] = [:]) {
        self.names = names
        self.portsByHost = portsByHost
    }

    /// Whether a cluster named `name` exists.
    package func contains(_ name: String) -> Bool { names.contains(name) }

    /// The port a route destination without an explicit port goes to: the destination service's only
    /// port when it has exactly one, else the listener's port (`route.GetDestinationCluster`).
    package func port(forHost host: String, explicit: UInt32, listenerPort: UInt32) -> UInt32 {
        if explicit != 0 { return explicit }
        if let ports = portsByHost[host], ports.count == 1 { return ports[0] }
        return listenerPort
    }
}
