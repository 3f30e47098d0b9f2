public import Logging
public import Mesh
public import ServiceLifecycle
import Synchronization

/// A config source that lists and watches resources through the Kubernetes API and feeds them to
/// the ``ConfigStore`` with origin ``Configuration/origin``, validated like every other source's.
///
/// Each resource has its own ``ResourceWatcher``; rejected Aeraki resources get a `Reconciled`
/// condition on their status (``Configuration/writeStatus``). The source never clears the store:
/// while the API server is away, the last config it delivered keeps serving.
public struct KubernetesSource: Service {
    /// What to watch, where, and how.
    public struct Configuration: Sendable {
        /// The API server and credentials.
        public var connection: KubernetesConnection
        /// The resources to list and watch (Aeraki's kinds by default).
        public var resources: [APIResource]
        /// The store origin of everything this source delivers.
        public var origin: String
        /// Whether to write the `Reconciled` condition of Aeraki resources.
        public var writeStatus: Bool
        /// How long a watch stays open before the server ends it and it is resumed.
        public var watchTimeoutSeconds: Int
        /// Delays between failed attempts.
        public var backoff: Backoff
        /// How often status is re-checked when nothing else triggers it.
        public var statusResyncInterval: Duration

        /// A configuration from its parts.
        public init(
            connection: KubernetesConnection, resources: [APIResource] = APIResource.aeraki, origin: String = "kubernetes",
            writeStatus: Bool = true, watchTimeoutSeconds: Int = 300, backoff: Backoff = Backoff(),
            statusResyncInterval: Duration = .seconds(10)
        ) {
            self.connection = connection
            self.resources = resources
            self.origin = origin
            self.writeStatus = writeStatus
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.backoff = backoff
            self.statusResyncInterval = statusResyncInterval
        }
    }

    private let configuration: Configuration
    private let store: ConfigStore
    private let onSynced: @Sendable () -> Void
    private let onProblems: @Sendable ([ValidationError]) -> Void
    private let logger: Logger

    /// A source feeding `store`. `onSynced` is called once every resource has been listed;
    /// `onProblems` with every object that does not decode, whenever that set changes.
    public init(
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
    public func run() async throws {
        let configuration = self.configuration
        let client = try KubernetesAPIClient(connection: configuration.connection, watchTimeoutSeconds: configuration.watchTimeoutSeconds)
        let status = configuration.writeStatus
            ? StatusReporter(client: client, store: store, resyncInterval: configuration.statusResyncInterval, logger: logger) : nil
        let problems = ProblemBoard(report: onProblems)
        let remaining = Mutex(Set(configuration.resources))
        let onSynced = self.onSynced
        let watchers = configuration.resources.map { resource in
            ResourceWatcher(
                resource: resource, client: client, store: store, origin: configuration.origin, backoff: configuration.backoff,
                status: status, problems: problems,
                onListed: {
                    let done = remaining.withLock { remaining in
                        remaining.remove(resource) != nil && remaining.isEmpty
                    }
                    if done { onSynced() }
                },
                logger: logger
            )
        }
        logger.info("watching the Kubernetes API", metadata: [
            "k8s.server": "\(configuration.connection.server)", "k8s.resources": "\(configuration.resources.map(\.description))",
        ])
        if configuration.resources.isEmpty { onSynced() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for watcher in watchers { group.addTask { await watcher.run() } }
                if let status { group.addTask { await status.run() } }
            }
        }
        await client.shutdown()
    }
}
