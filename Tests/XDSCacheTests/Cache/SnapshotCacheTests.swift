import Synchronization
import Testing
import XDSCache

final class RecordingWatcher: SnapshotWatcher {
    let seen = Mutex<[(String?, UInt64)]>([])
    func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64) {
        seen.withLock { $0.append((snapshot?.label, sequence)) }
    }
}

@Suite("Snapshot cache")
struct SnapshotCacheTests {
    @Test("A node without a snapshot gets the fallback, and its own once set")
    func fallback() {
        let cache = SnapshotCache()
        let watcher = RecordingWatcher()
        #expect(cache.addWatcher(watcher, forNode: "n").0 == nil)
        cache.setFallbackSnapshot(Snapshot(resources: [], label: "fallback"))
        cache.setSnapshot(Snapshot(resources: [], label: "own"), forNode: "n")
        cache.setFallbackSnapshot(Snapshot(resources: [], label: "fallback2"))
        #expect(watcher.seen.withLock { $0.map(\.0) } == ["fallback", "own"])
        #expect(cache.snapshot(forNode: "other")?.label == "fallback2")
    }

    @Test("Node entries are dropped after the last stream closes")
    func dropOnClose() {
        let cache = SnapshotCache()
        let a = RecordingWatcher()
        let b = RecordingWatcher()
        _ = cache.addWatcher(a, forNode: "n")
        _ = cache.addWatcher(b, forNode: "n")
        #expect(cache.connectedNodeIDs() == ["n"])
        cache.removeWatcher(a, forNode: "n")
        #expect(cache.nodeEntryCount == 1)
        cache.removeWatcher(b, forNode: "n")
        #expect(cache.nodeEntryCount == 0)
        #expect(cache.connectedNodeIDs().isEmpty)
    }

    @Test("Concurrent snapshots and watchers for 64 nodes: every watcher ends on the latest sequence")
    func concurrent() async {
        let cache = SnapshotCache()
        let watchers = (0..<64).map { _ in RecordingWatcher() }
        await withTaskGroup(of: Void.self) { group in
            for (i, watcher) in watchers.enumerated() {
                group.addTask {
                    let (snapshot, sequence) = cache.addWatcher(watcher, forNode: "n\(i)")
                    watcher.snapshotDidChange(snapshot, sequence: sequence)
                }
                group.addTask {
                    for round in 0..<5 {
                        cache.setSnapshot(Snapshot(resources: [], label: "r\(round)"), forNode: "n\(i)")
                    }
                }
            }
        }
        for watcher in watchers {
            let seen = watcher.seen.withLock { $0 }
            let newest = seen.max { $0.1 < $1.1 }
            #expect(newest?.0 == "r4")
        }
    }
}
