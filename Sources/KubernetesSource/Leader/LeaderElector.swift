internal import Foundation
internal import Logging
import Synchronization

/// Holds a `coordination.k8s.io/v1` Lease for the replica that writes status: reads it every
/// `retryPeriod`, takes it when it is free or expired, renews it while leading, and says whether
/// this replica leads (``isLeader``). See ``LeaderElectionState`` for the rules.
package final class LeaderElector: Sendable {
    /// Which Lease, who we are, and the timings (client-go's defaults: 15 s, 10 s, 2 s).
    package struct Configuration: Sendable {
        /// The Lease's namespace (Aeraki's own).
        package var namespace: String
        /// The Lease's name.
        package var name: String
        /// This replica's identity (the pod name).
        package var identity: String
        /// How long a lease lives without renewal.
        package var leaseDuration: Duration
        /// How long a leader keeps leading without a successful renewal (less than `leaseDuration`).
        package var renewDeadline: Duration
        /// How often the Lease is read, and renewed.
        package var retryPeriod: Duration

        /// A configuration from its parts.
        package init(
            namespace: String, name: String = "aeraki-status", identity: String, leaseDuration: Duration = .seconds(15),
            renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)
        ) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }

        /// The timings scaled from one lease duration, in client-go's proportions (2/3 and 2/15).
        package static func scaled(namespace: String, name: String, identity: String, leaseDuration: Duration) -> Configuration {
            Configuration(
                namespace: namespace, name: name, identity: identity, leaseDuration: leaseDuration,
                renewDeadline: leaseDuration * 2 / 3, retryPeriod: leaseDuration * 2 / 15
            )
        }

        var collectionPath: String { "/apis/coordination.k8s.io/v1/namespaces/\(namespace)/leases" }
        var path: String { "\(collectionPath)/\(name)" }
    }

    private let configuration: Configuration
    private let client: KubernetesAPIClient
    private let state: Mutex<LeaderElectionState>
    private let changed: AsyncStream<Bool>.Continuation
    private let logger: Logger
    /// Leadership after every change (the newest value only is kept for a slow reader).
    let changes: AsyncStream<Bool>

    /// An elector over `client`.
    init(configuration: Configuration, client: KubernetesAPIClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        state = Mutex(LeaderElectionState(
            identity: configuration.identity, leaseDuration: configuration.leaseDuration, renewDeadline: configuration.renewDeadline
        ))
        (changes, changed) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        self.logger = logger
    }

    /// Whether this replica leads now.
    package var isLeader: Bool { state.withLock { $0.isLeader(at: .now) } }

    /// Campaigns and renews until cancelled.
    func run() async {
        var leading = false
        while !Task.isCancelled {
            await attempt()
            let now = isLeader
            if now != leading {
                leading = now
                logger.info(now ? "leading: this replica writes status" : "not leading: status writes stop", metadata: [
                    "k8s.lease": "\(configuration.namespace)/\(configuration.name)", "k8s.identity": "\(configuration.identity)",
                ])
                changed.yield(now)
            }
            try? await Task.sleep(for: configuration.retryPeriod)
        }
        await release()
    }

    /// Gives the lease up on shutdown, in a task of its own: the campaign's task is cancelled by then.
    private func release() async {
        guard let record = state.withLock({ $0.release(wallClock: Date()) }) else { return }
        let configuration = self.configuration
        let client = self.client
        let logger = self.logger
        await Task {
            do {
                _ = try await client.replace(configuration.path, object: record.object(namespace: configuration.namespace, name: configuration.name))
                logger.info("lease released", metadata: ["k8s.lease": "\(configuration.namespace)/\(configuration.name)"])
            } catch {
                logger.warning("lease not released; it expires instead", metadata: ["k8s.error": "\(error)"])
            }
        }.value
    }

    private func attempt() async {
        let clock = ContinuousClock()
        do {
            let lease = try await client.get(configuration.path).map(LeaseRecord.init(object:))
            // A write succeeds as of when it was sent, not when its answer arrived: a replica paused
            // in between must not count the pause as leadership.
            let sent = clock.now
            let decision = state.withLock { $0.decide(lease, now: sent, wallClock: Date()) }
            let written: [String: Any]
            switch decision {
            case .follow:
                return
            case .create(let record):
                written = try await client.create(configuration.collectionPath, object: record.object(namespace: configuration.namespace, name: configuration.name))
            case .update(let record):
                written = try await client.replace(configuration.path, object: record.object(namespace: configuration.namespace, name: configuration.name))
            }
            state.withLock { $0.wrote(LeaseRecord(object: written), now: sent) }
        } catch {
            logger.debug("lease not acquired or renewed", metadata: ["k8s.lease": "\(configuration.name)", "k8s.error": "\(error)"])
        }
    }
}
