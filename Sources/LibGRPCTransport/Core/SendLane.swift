import Synchronization

/// Lets one send at a time through for a call, in arrival order.
///
/// Core allows one pending send operation per call (a second one fails with
/// `TOO_MANY_OPERATIONS`). Callers wait for their turn here, so a peer that reads slowly slows its
/// writers down instead of growing the server's memory (grpc#37715).
final class SendLane: Sendable {
    private let state = Mutex(State())

    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Runs `body` once every earlier caller's body has finished.
    func withTurn<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        await acquire()
        defer { handOver() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.busy {
                    state.waiters.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func handOver() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
