/// The store's debounced change events, as an `AsyncSequence` of ``ConfigChangeBatch``.
///
/// Each iterator is its own subscription: it sees every change made after it was created. Iteration
/// ends when the consuming task is cancelled.
package struct ConfigChanges: AsyncSequence, Sendable {
    package typealias Element = ConfigChangeBatch

    let store: ConfigStore
    let debounce: DebounceConfiguration

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: Subscription(store: store), debounce: debounce)
    }

    /// Iterates batches.
    package struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: Subscription
        let debounce: DebounceConfiguration
        var signals: AsyncStream<Void>.Iterator

        init(subscription: Subscription, debounce: DebounceConfiguration) {
            self.subscription = subscription
            self.debounce = debounce
            self.signals = subscription.signals.makeAsyncIterator()
        }

        package mutating func next() async -> ConfigChangeBatch? {
            let store = subscription.store
            let id = subscription.id
            while !Task.isCancelled {
                guard let times = store.pendingTimes(id) else {
                    if await signals.next() == nil { return nil }
                    continue
                }
                let deadline = debounce.deadline(first: times.first, last: times.last)
                if ContinuousClock.now >= deadline {
                    if let batch = store.drain(id) { return batch }
                    continue
                }
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                } catch {
                    return nil
                }
            }
            return nil
        }
    }

    /// Unsubscribes when the last iterator copy goes away.
    final class Subscription: Sendable {
        let store: ConfigStore
        let id: Int
        let signals: AsyncStream<Void>

        init(store: ConfigStore) {
            self.store = store
            (id, signals) = store.subscribe()
        }

        deinit { store.unsubscribe(id) }
    }
}
