internal import CLibGRPC
import Foundation
import Synchronization

/// A NEXT completion queue drained by an OS thread of its own.
///
/// The poller thread blocks in `grpc_completion_queue_next` with an infinite deadline, so it never
/// occupies one of Swift's cooperative threads. For each event it takes the tag back and calls
/// `complete(success:)`. After `shutdown()` it keeps draining until core reports
/// `GRPC_QUEUE_SHUTDOWN` (every pending tag has come back), then destroys the queue and exits.
final class CompletionQueue: @unchecked Sendable {
    // @unchecked: `pointer` is immutable; core's completion-queue API is thread-safe; the queue is
    // destroyed only by the poller thread, after which nothing uses `pointer` (see `shutdown()`).

    /// The `grpc_completion_queue*`, for operations that name their queue.
    let pointer: OpaquePointer
    private let exit = Mutex<ExitState>(.running)

    private enum ExitState {
        case running
        case waiting(CheckedContinuation<Void, Never>)
        case exited
    }

    /// Creates the queue and starts its poller thread.
    init(name: String) {
        guard let queue = grpc_completion_queue_create_for_next(nil) else {
            preconditionFailure("grpc_completion_queue_create_for_next returned NULL")
        }
        self.pointer = queue
        let thread = Thread { [self] in self.drain() }
        thread.name = name
        thread.start()
    }

    /// Shuts the queue down and waits until its poller has drained every tag and destroyed it.
    /// Every operation that targets this queue must have been started before this is called.
    func shutdown() async {
        grpc_completion_queue_shutdown(pointer)
        await withCheckedContinuation { continuation in
            let resumeNow = exit.withLock { state -> Bool in
                switch state {
                case .running:
                    state = .waiting(continuation)
                    return false
                case .exited:
                    return true
                case .waiting:
                    preconditionFailure("CompletionQueue.shutdown() called twice")
                }
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func drain() {
        let forever = CLibGRPC_infinite_future()
        loop: while true {
            let event = grpc_completion_queue_next(pointer, forever, nil)
            switch event.type {
            case GRPC_OP_COMPLETE:
                guard let tag = event.tag else { preconditionFailure("completion without a tag") }
                CompletionTag.takeBack(tag).complete(success: event.success != 0)
            case GRPC_QUEUE_SHUTDOWN:
                break loop
            case GRPC_QUEUE_TIMEOUT:
                continue  // not expected with an infinite deadline (grpc#36095); harmless
            default:
                preconditionFailure("unknown completion type \(event.type)")
            }
        }
        grpc_completion_queue_destroy(pointer)
        let waiter = exit.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state = .exited }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }
}
