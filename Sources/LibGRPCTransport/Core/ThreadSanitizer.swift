internal import CLibGRPC

/// Shows ThreadSanitizer the hand-overs it cannot see by itself; every call is a no-op unless the
/// build has `--sanitize=thread`.
///
/// Two orderings are invisible to TSan here: core's, between starting an operation and dequeuing
/// its tag (abseil mutexes and atomics inside the uninstrumented Debian libgrpc), and, on Linux,
/// the hand-over of a contended `Mutex` (its slow path is in the uninstrumented Synchronization
/// library) and of a continuation resumed from a poller thread. Without these annotations TSan
/// reports every such hand-over as a data race (see `Scripts/tsan.supp`).
enum ThreadSanitizer {
    /// Everything this thread did so far happens before what follows a later `acquire(object)`.
    static func release(_ object: AnyObject) {
        CLibGRPC_tsan_release(Unmanaged.passUnretained(object).toOpaque())
    }

    /// The other half of `release(_:)`.
    static func acquire(_ object: AnyObject) {
        CLibGRPC_tsan_acquire(Unmanaged.passUnretained(object).toOpaque())
    }

    /// Runs `body`, which must run inside a `Mutex.withLock` belonging to `owner`, ordered after
    /// the lock's previous holder and before its next one.
    static func ordered<Result>(by owner: AnyObject, _ body: () throws -> Result) rethrows -> Result {
        acquire(owner)
        defer { release(owner) }
        return try body()
    }
}
