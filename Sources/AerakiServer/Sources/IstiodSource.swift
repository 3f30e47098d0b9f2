package import Mesh
internal import ServiceLifecycle
internal import Logging
internal import Synchronization

extension AerakiServerConfiguration.ConfigSource {
    /// istiod over MCP-over-xDS.
    package static func istiod(_ configuration: MCPClient.Configuration) -> Self {
        .custom(name: "istiod \(configuration.address)") { store, readiness in
            IstiodSource(configuration: configuration, store: store, readiness: readiness)
        }
    }
}

/// The MCP client to istiod, marking the source loaded at the end of the initial sync: when every
/// subscribed type has had its first response applied to the store.
///
/// istiod does not answer subscriptions to kinds it does not serve (e.g. Aeraki's kinds, when the
/// Kubernetes source is not used for them). So that such a subscription cannot keep the server
/// unready for ever, the source is also marked loaded ``unansweredGrace`` after istiod's first
/// change to the store, with a warning.
package struct IstiodSource: Service {
    /// How long after istiod's first change the source counts as loaded even if some subscribed
    /// types have not been answered.
    package static let unansweredGrace: Duration = .seconds(10)

    private let client: MCPClient
    private let synced: AsyncStream<Void>
    private let store: ConfigStore
    private let readiness: Readiness
    private let logger = Logger(label: "io.aeraki.server.istiod")

    /// A client to istiod per `configuration`, which feeds `store`.
    package init(configuration: MCPClient.Configuration, store: ConfigStore, readiness: Readiness) {
        let (synced, continuation) = AsyncStream<Void>.makeStream()
        self.client = MCPClient(configuration: configuration, store: store) {
            continuation.yield()
            continuation.finish()
        }
        self.synced = synced
        self.store = store
        self.readiness = readiness
    }

    /// Runs the client; marks the source loaded at the end of its initial sync.
    package func run() async throws {
        let (store, client, synced, logger) = (self.store, self.client, self.synced, self.logger)
        let loaded = LoadedOnce()
        let markLoaded: @Sendable () -> Bool = { [readiness] in
            guard loaded.claim() else { return false }
            readiness.sourceLoaded(storeVersion: store.snapshot().version)
            return true
        }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in synced { _ = markLoaded() }
                return false
            }
            group.addTask {
                var changes = store.changes().makeAsyncIterator()
                if store.snapshot().count == 0, await changes.next() == nil { return false }
                try await Task.sleep(for: Self.unansweredGrace)
                if markLoaded() {
                    logger.warning("istiod has not answered every subscribed type \(Self.unansweredGrace) after its first config; counting it loaded with what it sent")
                }
                return false
            }
            group.addTask {
                try await client.run()
                return true
            }
            // The client returns on graceful shutdown; stop waiting for the initial sync then.
            while let isClient = try await group.next(), !isClient {}
            group.cancelAll()
        }
    }
}

/// Makes sure a source reports itself loaded once, whichever of its signals comes first.
private final class LoadedOnce: Sendable {
    private let claimed = Atomic<Bool>(false)

    /// True for the first caller only.
    func claim() -> Bool { !claimed.exchange(true, ordering: .relaxed) }
}
