import Synchronization

/// The final status of a client call, delivered once and awaited by any number of tasks.
final class StatusPromise: Sendable {
    private let state = Mutex(State.pending([]))

    private enum State {
        case pending([CheckedContinuation<(Status, Metadata), Never>])
        case fulfilled(Status, Metadata)
    }

    /// Delivers the status; later calls are ignored.
    func fulfil(_ status: Status, _ trailing: Metadata) {
        let waiters = withState { state -> [CheckedContinuation<(Status, Metadata), Never>] in
            guard case .pending(let waiters) = state else { return [] }
            state = .fulfilled(status, trailing)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: (status, trailing)) }
    }

    /// The status, if it has arrived.
    var current: (Status, Metadata)? {
        withState { state in
            if case .fulfilled(let status, let trailing) = state { return (status, trailing) }
            return nil
        }
    }

    /// Waits for the status and its trailing metadata.
    func value() async -> (Status, Metadata) {
        await withCheckedContinuation { continuation in
            let ready = withState { state -> (Status, Metadata)? in
                switch state {
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                case .fulfilled(let status, let trailing):
                    return (status, trailing)
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// `state.withLock`, with the lock's hand-over shown to ThreadSanitizer: the status arrives on
    /// a poller thread while tasks wait for it.
    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        state.withLock { state in ThreadSanitizer.ordered(by: self) { body(&state) } }
    }
}
