package import XDSCache

/// Where `/debug/config_dump` finds a proxy's snapshot.
package protocol ConfigDumpSource: Sendable {
    /// The snapshot served to `proxyID`, if that proxy is known.
    func snapshot(forProxy proxyID: String) -> Snapshot?
    /// The ids of proxies with a snapshot (listed when no or an unknown proxy is asked for).
    func knownProxyIDs() -> [String]
}

extension SnapshotCache: ConfigDumpSource {
    /// The node's own snapshot, or the fallback one.
    package func snapshot(forProxy proxyID: String) -> Snapshot? {
        snapshot(forNode: proxyID)
    }

    /// Nodes with a snapshot of their own, and every connected node.
    package func knownProxyIDs() -> [String] {
        Array(Set(nodeIDsWithSnapshots()).union(connectedNodeIDs())).sorted()
    }
}
