internal import Foundation
internal import Logging
internal import Mesh
import Synchronization

/// Writes Aeraki's `Reconciled` condition to the `status` of its own resources: `False` with every
/// validation problem as the message when the store (or the decoder) rejects the resource, `True`
/// once it is accepted.
///
/// With a ``LeaderElector``, only the leading replica writes; a replica that starts leading writes
/// what is due at once.
///
/// A condition is written only when it differs from what the object already carries (its status
/// as listed or watched, or what this reporter last wrote), so replicas converge on one value and a
/// status write — which comes back as a watch event with the same spec — causes no further write.
final class StatusReporter: Sendable {
    private struct Tracked {
        var resource: APIResource
        var object: KubernetesObject
        var decodeErrors: [ValidationError]
    }

    private struct State {
        var tracked: [ConfigKey: Tracked] = [:]
        var written: [ConfigKey: StatusCondition] = [:]
    }

    private let client: KubernetesAPIClient
    private let elector: LeaderElector?
    private let store: ConfigStore
    private let resyncInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init(client: KubernetesAPIClient, elector: LeaderElector?, store: ConfigStore, resyncInterval: Duration, logger: Logger) {
        self.client = client
        self.elector = elector
        self.store = store
        self.resyncInterval = resyncInterval
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The objects of `resource` now, and those that do not decode; reports soon after.
    func track(_ resource: APIResource, objects: [ConfigKey: KubernetesObject], decodeErrors: [ConfigKey: [ValidationError]]) {
        guard resource.isAerakiKind else { return }
        state.withLock { state in
            for key in state.tracked.keys where key.kind == resource.kind && objects[key] == nil {
                state.tracked[key] = nil
                state.written[key] = nil
            }
            for (key, object) in objects {
                state.tracked[key] = Tracked(resource: resource, object: object, decodeErrors: decodeErrors[key] ?? [])
            }
        }
        signal.yield()
    }

    /// Reports after every change (and every `resyncInterval`, for rejections that other kinds
    /// cause) until cancelled.
    func run() async {
        let store = self.store
        let signal = self.signal
        let interval = self.resyncInterval
        let elector = self.elector
        await withDiscardingTaskGroup { group in
            if let elector {
                group.addTask {
                    await elector.run()
                }
                group.addTask {
                    for await leading in elector.changes where leading { signal.yield() }
                }
            }
            group.addTask {
                for await _ in store.changes(debounce: .init(quietPeriod: .milliseconds(50), maxDelay: .milliseconds(500))) { signal.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    signal.yield()
                }
            }
            for await _ in signals {
                if Task.isCancelled { break }
                await reportOnce()
            }
            group.cancelAll()
        }
    }

    /// Writes every condition that differs from what its object carries (nothing unless leading).
    func reportOnce() async {
        if let elector, !elector.isLeader { return }
        var rejections: [ConfigKey: [ValidationError]] = [:]
        for error in store.rejections() {
            if let key = error.key { rejections[key, default: []].append(error) }
        }
        let due = state.withLock { state -> [(ConfigKey, Tracked, StatusCondition)] in
            state.tracked.sorted { $0.key < $1.key }.compactMap { key, tracked in
                let generation = tracked.object.generation
                let errors = tracked.decodeErrors.isEmpty ? rejections[key] ?? [] : tracked.decodeErrors
                let desired = errors.isEmpty ? StatusCondition.accepted(generation: generation) : .rejected(errors, generation: generation)
                let current = state.written[key] ?? tracked.object.reconciled
                return current == desired ? nil : (key, tracked, desired)
            }
        }
        for (key, tracked, condition) in due {
            do {
                try await client.patchStatus(
                    tracked.resource, namespace: tracked.object.namespace, name: tracked.object.name, patch: condition.statusPatch(now: Date())
                )
                state.withLock { state in if state.tracked[key] != nil { state.written[key] = condition } }
                logger.info("status written", metadata: [
                    "k8s.object": "\(key)", "k8s.reconciled": "\(condition.status)", "k8s.message": "\(condition.message)",
                ])
            } catch {
                logger.warning("status write failed; will retry", metadata: ["k8s.object": "\(key)", "k8s.error": "\(error)"])
            }
        }
    }
}
