import Synchronization

/// A one-waiter signal: `signal()` wakes the waiting task, or the next one to `wait()`.
/// Signals coalesce, so a stream's writer is woken once however many changes arrived.
final class Wakeup: Sendable {
    private struct State {
        var signaled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter (now or on its next `wait()`).
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signaled = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits for a signal; returns at once if one is pending or the task is cancelled.
    ///
    /// - Returns: false when the task is cancelled. The caller must stop waiting then: every later
    ///   wait would return at once without suspending, so a loop that kept waiting would spin on its
    ///   thread and starve the cooperative pool.
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.signaled {
                        state.signaled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
        return !Task.isCancelled
    }
}
