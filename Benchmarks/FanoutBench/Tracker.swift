import LibGRPCTransport
import Synchronization

/// Counts, for one phase, which simulated streams have ACKed the target version of every target
/// type, and how many responses and bytes arrived; wakes the waiter when every stream is done.
final class Tracker: Sendable {
    private struct State {
        var targets: [String: String] = [:]
        var have: [[String: String]] = []
        var done: [Bool] = []
        var doneCount = 0
        var responses = 0
        var bytes = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Starts a phase for `streams` streams that must reach `targets` (type URL → version).
    func begin(streams: Int, targets: [String: String]) {
        state.withLock { state in
            state.targets = targets
            if state.have.count != streams { state.have = Array(repeating: [:], count: streams) }
            state.done = Array(repeating: false, count: streams)
            state.doneCount = 0
            state.responses = 0
            state.bytes = 0
        }
    }

    /// Records one response that stream `index` has just ACKed.
    func record(stream index: Int, typeURL: String, version: String, bytes: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.responses += 1
            state.bytes += bytes
            state.have[index][typeURL] = version
            guard !state.done[index], !state.targets.isEmpty else { return nil }
            for (type, target) in state.targets where state.have[index][type] != target { return nil }
            state.done[index] = true
            state.doneCount += 1
            guard state.doneCount == state.done.count, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits until every stream is done.
    func waitAll() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.doneCount == state.done.count { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Responses and bytes counted in this phase.
    var totals: (responses: Int, bytes: Int) { state.withLock { ($0.responses, $0.bytes) } }
}

/// A gate the bare-loop streams wait on, so their pushes start together.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What the bare-loop method pushes in the current phase: byte arrays (copied by each send) or
/// shared transport payloads (zero-copy sends).
final class BarePlan: Sendable {
    enum Messages: Sendable {
        case bytes([[UInt8]])
        case payloads([Payload])
    }

    private let state = Mutex<(messages: Messages, gate: Gate?, subscribed: Int)>((.bytes([]), nil, 0))

    func set(messages: Messages, gate: Gate?) {
        state.withLock { $0 = (messages, gate, 0) }
    }

    func subscribe() -> (Messages, Gate?) {
        state.withLock { state in
            state.subscribed += 1
            return (state.messages, state.gate)
        }
    }

    var subscribed: Int { state.withLock { $0.subscribed } }
}
