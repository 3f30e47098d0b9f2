package import Logging
package import Mesh
internal import ServiceLifecycle
import Synchronization

/// A config source that lists and watches resources through the Kubernetes API and feeds them to
/// the ``ConfigStore`` with origin ``Configuration/origin``, validated like every other source's.
///
/// Each collection has its own ``CollectionWatcher`` (Services, EndpointSlices and Pods, when
/// asked for, feed a ``ServiceRegistry``); rejected Aeraki resources get a `Reconciled`
/// condition on their status (``Configuration/writeStatus``). The source never clears the store:
/// while the API server is away, the last config it delivered keeps serving.
package struct KubernetesSource: Service {
    /// What to watch, where, and how.
    package struct Configuration: Sendable {
        /// The API server and credentials.
        package var connection: KubernetesConnection
        /// The resources to list and watch (Aeraki's kinds by default).
        package var resources: [APIResource]
        /// The store origin of everything this source delivers.
        package var origin: String
        /// Whether to write the `Reconciled` condition of Aeraki resources.
        package var writeStatus: Bool
        /// How long a watch stays open before the server ends it and it is resumed.
        package var watchTimeoutSeconds: Int
        /// Delays between failed attempts.
        package var backoff: Backoff
        /// How often status is re-checked when nothing else triggers it.
        package var statusResyncInterval: Duration
        /// When set, only the replica holding this Lease writes status.
        package var leaderElection: LeaderElector.Configuration?
        /// When set, Services, EndpointSlices and Pods are watched too and become ServiceEntries
        /// (`synthetic-<service>`) with hosts under this DNS domain suffix (`cluster.local`).
        package var servicesDomainSuffix: String?

        /// A configuration from its parts.
        package init(
            connection: KubernetesConnection, resources: [APIResource] = APIResource.aeraki, origin: String = "kubernetes",
            writeStatus: Bool = true, watchTimeoutSeconds: Int = 300, backoff: Backoff = Backoff(),
            statusResyncInterval: Duration = .seconds(10), servicesDomainSuffix: String? = nil,
            leaderElection: LeaderElector.Configuration? = nil
        ) {
            self.connection = connection
            self.resources = resources
            self.origin = origin
            self.writeStatus = writeStatus
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.backoff = backoff
            self.statusResyncInterval = statusResyncInterval
            self.servicesDomainSuffix = servicesDomainSuffix
            self.leaderElection = leaderElection
        }
    }

    private let configuration: Configuration
    private let store: ConfigStore
    private let onSynced: @Sendable () -> Void
    private let onProblems: @Sendable ([ValidationError]) -> Void
    private let logger: Logger

    /// A source feeding `store`. `onSynced` is called once every resource has been listed;
    /// `onProblems` with every object that does not decode, whenever that set changes.
    package init(
        configuration: Configuration, store: ConfigStore, onSynced: @escaping @Sendable () -> Void = {},
        onProblems: @escaping @Sendable ([ValidationError]) -> Void = { _ in },
        logger: Logger = Logger(label: "io.aeraki.kubernetes")
    ) {
        self.configuration = configuration
        self.store = store
        self.onSynced = onSynced
        self.onProblems = onProblems
        self.logger = logger
    }

    /// Watches until graceful shutdown or cancellation.
    /// - Throws: ``KubernetesConfigurationError`` when the connection's TLS material does not parse.
    package func run() async throws {
        let configuration = self.configuration
        let watches = configuration.resources.count + (configuration.servicesDomainSuffix == nil ? 0 : ServiceRegistryState.Collection.allCases.count)
        let client = try KubernetesAPIClient(
            connection: configuration.connection, watchTimeoutSeconds: configuration.watchTimeoutSeconds, watches: watches
        )
        let status = configuration.writeStatus
            ? StatusReporter(
                client: client, elector: configuration.leaderElection.map { LeaderElector(configuration: $0, client: client, logger: logger) },
                store: store, resyncInterval: configuration.statusResyncInterval, logger: logger
            ) : nil
        let problems = ProblemBoard(report: onProblems)
        var collections: [any WatchedCollection] = configuration.resources.map { resource in
            ConfigKindCollection(resource: resource, store: store, origin: configuration.origin, status: status, problems: problems)
        }
        if let domainSuffix = configuration.servicesDomainSuffix {
            collections += ServiceRegistry(domainSuffix: domainSuffix, store: store, logger: logger).collections
        }
        let remaining = Mutex(Set(collections.map(\.path)))
        let onSynced = self.onSynced
        let watchers = collections.map { collection in
            CollectionWatcher(
                collection: collection, client: client, backoff: configuration.backoff,
                onListed: {
                    let done = remaining.withLock { remaining in
                        remaining.remove(collection.path) != nil && remaining.isEmpty
                    }
                    if done { onSynced() }
                },
                logger: logger
            )
        }
        logger.info("watching the Kubernetes API", metadata: [
            "k8s.server": "\(configuration.connection.server)", "k8s.resources": "\(collections.map(\.path))",
        ])
        if collections.isEmpty { onSynced() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for watcher in watchers { group.addTask { await watcher.run() } }
                if let status { group.addTask { await status.run() } }
            }
        }
        await client.shutdown()
    }
}
