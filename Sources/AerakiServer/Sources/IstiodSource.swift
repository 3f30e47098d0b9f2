public import Mesh
public import ServiceLifecycle

extension AerakiServerConfiguration.ConfigSource {
    /// istiod over MCP-over-xDS.
    public static func istiod(_ configuration: MCPClient.Configuration) -> Self {
        .custom(name: "istiod \(configuration.address)") { store, readiness in
            IstiodSource(client: MCPClient(configuration: configuration, store: store), store: store, readiness: readiness)
        }
    }
}

/// The MCP client to istiod, marking the source loaded when the first config from istiod lands in
/// the store (the client exposes no "synced" signal of its own).
public struct IstiodSource: Service {
    private let client: MCPClient
    private let store: ConfigStore
    private let readiness: Readiness

    /// Wraps `client`, which feeds `store`.
    public init(client: MCPClient, store: ConfigStore, readiness: Readiness) {
        self.client = client
        self.store = store
        self.readiness = readiness
    }

    /// Runs the client; marks the source loaded on the first change it makes to the store.
    public func run() async throws {
        let store = self.store
        let readiness = self.readiness
        let client = self.client
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                // istiod sends one response per kind: wait for a quiet moment so the first batch holds them all.
                var changes = store.changes(debounce: .init(quietPeriod: .milliseconds(200), maxDelay: .seconds(2))).makeAsyncIterator()
                if store.snapshot().count == 0, await changes.next() == nil { return false }
                readiness.sourceLoaded(storeVersion: store.snapshot().version)
                return false
            }
            group.addTask {
                try await client.run()
                return true
            }
            // The client returns on graceful shutdown; stop waiting for a first config then.
            while let isClient = try await group.next(), !isClient {}
            group.cancelAll()
        }
    }
}
