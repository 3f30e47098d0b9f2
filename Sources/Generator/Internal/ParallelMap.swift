internal import Foundation
internal import Synchronization

/// A blocking parallel map over a few threads (one per core), for CPU-bound snapshot generation.
package enum ParallelMap {
    /// One worker per active core.
    package static var workers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `transform` applied to every element, in order, on `workers` threads; returns when all are done.
    package static func map<T, R>(_ items: [T], workers: Int, _ transform: (T) -> R) -> [R] {
        withoutActuallyEscaping(transform) { transform in
            let shared = SharedWork(items: items, transform: transform)
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                var local: [(Int, R)] = []
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < shared.items.count else { break }
                    local.append((i, shared.transform(shared.items[i])))
                }
                shared.store(local)
            }
            return shared.results()
        }
    }
}

/// The inputs and results of one `ParallelMap.map` call, shared by its worker threads.
/// @unchecked Sendable: `items` and `transform` are only read (the transform is the caller's
/// generation closure over immutable inputs, made to run concurrently), results are written under
/// the lock, and `map` waits for every worker before reading them and before `transform` ends.
private final class SharedWork<T, R>: @unchecked Sendable {
    let items: [T]
    let transform: (T) -> R
    private let lock = NSLock()
    private var collected: [Int: R] = [:]

    init(items: [T], transform: @escaping (T) -> R) {
        self.items = items
        self.transform = transform
    }

    func store(_ local: [(Int, R)]) {
        lock.lock()
        defer { lock.unlock() }
        for (i, r) in local { collected[i] = r }
    }

    func results() -> [R] {
        lock.lock()
        defer { lock.unlock() }
        return (0..<items.count).map { collected[$0]! }
    }
}
