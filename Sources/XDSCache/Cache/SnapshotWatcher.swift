/// Something that follows a node's snapshot: in practice one open xDS stream.
package protocol SnapshotWatcher: AnyObject, Sendable {
    /// Called, outside any cache lock, when the node's effective snapshot changes. `sequence`
    /// increases with every change, so a watcher can ignore a notification older than one it has.
    func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64)
}
