internal import CLibGRPC

/// The object behind every tag handed to the C core.
///
/// A tag is `Unmanaged.passRetained(tag).toOpaque()`. After core accepted the operation (the start
/// call returned OK) the tag comes back from its completion queue exactly once, possibly with
/// `success == false`; the poller then takes the retained reference back (`takeRetainedValue`) and
/// calls `complete(success:)`. If core refused the operation, the starter releases the tag itself
/// at once. A tag is therefore released exactly once, and never on cancellation (grpc#29002).
///
/// Subclasses own every piece of memory their operation points into, so that memory lives exactly
/// as long as core may touch it.
class CompletionTag: @unchecked Sendable {
    // @unchecked: subclasses hand their mutable storage to exactly one owner at a time: core while
    // the operation is pending, then the poller thread, then (after `complete`) the awaiting task.

    /// Called once, on a poller thread, when the operation finished. Does bookkeeping only: moves
    /// results out, resumes a continuation; never runs user code or blocks.
    func complete(success: Bool) {
        fatalError("\(type(of: self)) must override complete(success:)")
    }

    /// The pointer to pass as a core tag; retains the tag until `CompletionQueue`'s poller
    /// or `abandon(_:)` releases it. Call it after the operation's storage is filled in, just
    /// before handing the pointer to core: under ThreadSanitizer it publishes those writes to
    /// the poller thread, which `takeBack(_:)` acquires (core's own ordering is invisible to TSan).
    final func retainedPointer() -> UnsafeMutableRawPointer {
        let pointer = Unmanaged.passRetained(self).toOpaque()
        CLibGRPC_tsan_release(pointer)
        return pointer
    }

    /// Releases a tag whose operation core refused, so it will never be dequeued.
    static func abandon(_ pointer: UnsafeMutableRawPointer) {
        Unmanaged<CompletionTag>.fromOpaque(pointer).release()
    }

    /// Takes back the reference retained by `retainedPointer()`; called once per dequeued event.
    static func takeBack(_ pointer: UnsafeMutableRawPointer) -> CompletionTag {
        CLibGRPC_tsan_acquire(pointer)
        return Unmanaged<CompletionTag>.fromOpaque(pointer).takeRetainedValue()
    }
}
