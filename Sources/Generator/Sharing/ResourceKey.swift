/// The identity of a shared generated resource (or a small group built together): what it is, for
/// whom it can differ, and the config inputs it is built from.
///
/// Two proxies that need a resource with equal keys get the very same prepared resource. The inputs
/// are part of the identity (a cluster built with DestinationRule A is another resource than one
/// built with A and B) and are also its dependencies: a change to any of them removes the entry.
struct ResourceKey: Hashable, Sendable {
    /// What kind of resource the entry holds.
    enum Kind: Hashable, Sendable {
        /// One outbound cluster.
        case cluster
        /// One cluster as a proxyless gRPC client gets it.
        case proxylessCluster
        /// One ClusterLoadAssignment.
        case assignment
        /// One outbound listener, with the route configurations its filters hold inline or refer to
        /// when they are not discovered separately.
        case listener
        /// Route resources built from the routing rules apart from the listener that discovers them:
        /// per outbound listener (HTTP's RDS RouteConfiguration named after the port, Dubbo `drds`,
        /// Thrift `trds`, named after the listener) or per service port (MetaProtocol RDS, named
        /// `<host>_<port>`).
        case routes
        /// `virtualInbound` and the `inbound|PORT||` clusters of a workload.
        case inbound
        /// Resources that depend only on the generator's options and the key's name.
        case fixed
    }

    /// Who a resource of one name can differ for.
    enum Variant: Hashable, Sendable {
        /// The same for every proxy.
        case shared
        /// Differs by address family (DNS clusters look up A records only for IPv4-only proxies).
        case addressFamily(ipv4Only: Bool)
        /// Differs per scope (listeners read the proxy's namespace, Sidecar and matching selectors).
        case scope(ScopeKey)
    }

    var kind: Kind
    var name: String
    var variant: Variant
    /// The config the resource is built from, in a deterministic order.
    var inputs: [Dependency]
}
