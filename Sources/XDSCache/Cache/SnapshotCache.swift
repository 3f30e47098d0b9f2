import Synchronization

/// Holds one snapshot per node id, plus an optional fallback for nodes without their own, and
/// tells every open stream of a node when its snapshot changes.
///
/// The lock is held only to update the maps; watchers are notified after it is released, so a slow
/// stream never delays anyone. Node entries (and their watchers) are dropped when the last stream
/// of a node closes and the node has no snapshot of its own.
package final class SnapshotCache: Sendable {
    private struct NodeEntry {
        var snapshot: Snapshot?
        var watchers: [ObjectIdentifier: any SnapshotWatcher] = [:]
    }

    private struct State {
        var nodes: [String: NodeEntry] = [:]
        var fallback: Snapshot?
        var sequence: UInt64 = 0
    }

    private let state = Mutex(State())

    /// An empty cache.
    package init() {}

    /// Sets the snapshot of `nodeID` and notifies that node's streams.
    package func setSnapshot(_ snapshot: Snapshot, forNode nodeID: String) {
        let (watchers, sequence) = state.withLock { state -> ([any SnapshotWatcher], UInt64) in
            state.sequence += 1
            state.nodes[nodeID, default: NodeEntry()].snapshot = snapshot
            return (Array(state.nodes[nodeID]!.watchers.values), state.sequence)
        }
        for watcher in watchers {
            watcher.snapshotDidChange(snapshot, sequence: sequence)
        }
    }

    /// Removes the snapshot of `nodeID`; its streams fall back to the fallback snapshot, if any.
    package func clearSnapshot(forNode nodeID: String) {
        let (watchers, snapshot, sequence) = state.withLock { state -> ([any SnapshotWatcher], Snapshot?, UInt64) in
            state.sequence += 1
            guard var entry = state.nodes[nodeID] else { return ([], nil, state.sequence) }
            entry.snapshot = nil
            state.nodes[nodeID] = entry.watchers.isEmpty ? nil : entry
            return (Array(entry.watchers.values), state.fallback, state.sequence)
        }
        for watcher in watchers {
            watcher.snapshotDidChange(snapshot, sequence: sequence)
        }
    }

    /// Sets (or removes) the snapshot served to nodes that have none of their own.
    package func setFallbackSnapshot(_ snapshot: Snapshot?) {
        let (watchers, sequence) = state.withLock { state -> ([any SnapshotWatcher], UInt64) in
            state.sequence += 1
            state.fallback = snapshot
            let watchers = state.nodes.values.filter { $0.snapshot == nil }.flatMap { $0.watchers.values }
            return (watchers, state.sequence)
        }
        for watcher in watchers {
            watcher.snapshotDidChange(snapshot, sequence: sequence)
        }
    }

    /// The snapshot `nodeID` is served: its own, else the fallback.
    package func snapshot(forNode nodeID: String) -> Snapshot? {
        state.withLock { $0.nodes[nodeID]?.snapshot ?? $0.fallback }
    }

    /// Registers a stream of `nodeID` and returns the snapshot it starts from, with its sequence.
    package func addWatcher(_ watcher: any SnapshotWatcher, forNode nodeID: String) -> (Snapshot?, UInt64) {
        state.withLock { state in
            state.nodes[nodeID, default: NodeEntry()].watchers[ObjectIdentifier(watcher)] = watcher
            return (state.nodes[nodeID]?.snapshot ?? state.fallback, state.sequence)
        }
    }

    /// Unregisters a stream; the node's entry goes when its last stream does (unless it has a snapshot).
    package func removeWatcher(_ watcher: any SnapshotWatcher, forNode nodeID: String) {
        state.withLock { state in
            guard var entry = state.nodes[nodeID] else { return }
            entry.watchers[ObjectIdentifier(watcher)] = nil
            state.nodes[nodeID] = entry.watchers.isEmpty && entry.snapshot == nil ? nil : entry
        }
    }

    /// The ids of nodes with at least one open stream, sorted.
    package func connectedNodeIDs() -> [String] {
        state.withLock { $0.nodes.filter { !$0.value.watchers.isEmpty }.keys.sorted() }
    }

    /// The open streams of `nodeID`.
    package func watchers(forNode nodeID: String) -> [any SnapshotWatcher] {
        state.withLock { Array($0.nodes[nodeID]?.watchers.values ?? [:].values) }
    }

    /// The ids of nodes that have their own snapshot, sorted.
    package func nodeIDsWithSnapshots() -> [String] {
        state.withLock { $0.nodes.filter { $0.value.snapshot != nil }.keys.sorted() }
    }

    /// How many node entries (connected or with a snapshot) the cache holds.
    package var nodeEntryCount: Int { state.withLock { $0.nodes.count } }
}
