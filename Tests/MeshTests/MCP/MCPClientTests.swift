import Foundation
import LibGRPCTransport
import Logging
import Mesh
import MeshAPI
import Synchronization
import Testing

/// The MCP client against the Python fake istiod (grpcio, independent of our transport).
@Suite("MCP client against a fake istiod", .serialized, .timeLimit(.minutes(2)))
struct MCPClientTests {
    /// The type URLs the client subscribes to (every kind's, each version).
    static let typeURLs = ConfigKind.all.flatMap(\.mcpTypeURLs).count

    static let fastBackoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))

    /// A temporary copy of `Fixtures/mcp` to serve (tests edit it).
    static func configDirectory() throws -> URL {
        let directory = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.path("mcp/mesh.yaml"), toPath: directory.appendingPathComponent("mesh.yaml").path)
        return directory
    }

    static func key(_ kind: ConfigKind, _ name: String, namespace: String = "dubbo") -> ConfigKey {
        ConfigKey(kind: kind, namespace: kind == .applicationProtocol ? "" : namespace, name: name)
    }

    static func port(_ store: ConfigStore, _ name: String) -> UInt32? {
        guard case .serviceEntry(let se)? = store.snapshot()[key(.serviceEntry, name)]?.spec else { return nil }
        return se.ports.first?.number
    }

    /// Waits until the recorded change batches name every resource in the store and returns how
    /// many batches the initial sync took. With a 50 ms quiet period, a loaded machine can split the
    /// 17 first responses over several debounce windows; what matters is that they name exactly the
    /// store's resources, and what comes after.
    static func initialSyncBatches(_ recorder: ChangeRecorder, store: ConfigStore) async -> Int? {
        var batches: Int?
        _ = await eventually {
            let recorded = recorder.all
            let named = recorded.reduce(Set()) { $0.union($1) }
            let stored = Set(store.snapshot().resources.keys.map { "\($0.kind.kind) \($0.namespace)/\($0.name)" })
            guard !stored.isEmpty, named == stored else { return false }
            batches = recorded.count
            return true
        }
        return batches
    }

    /// Runs `client` while `body` runs, recording change batches.
    static func withClient(
        _ configuration: MCPClient.Configuration, store: ConfigStore, onStreamEnded: @escaping @Sendable () -> Void = {},
        _ body: (ChangeRecorder) async throws -> Void
    ) async throws {
        let recorder = ChangeRecorder()
        let client = MCPClient(configuration: configuration, store: store, logger: Logger(label: "test"), onStreamEnded: onStreamEnded)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask {
                for await batch in store.changes(debounce: .init(quietPeriod: .milliseconds(50), maxDelay: .seconds(1))) {
                    recorder.record(Set(batch.keys.map { "\($0.kind.kind) \($0.namespace)/\($0.name)" }))
                }
            }
            try await body(recorder)
            group.cancelAll()
        }
    }

    @Test("the initial-sync signal fires once, after every subscribed type's first response is in the store")
    func initialSyncSignal() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        let countsAtSignal = Mutex<[Int]>([])
        let client = MCPClient(
            configuration: .init(address: "127.0.0.1:\(fake.port)", backoff: Self.fastBackoff), store: store, logger: Logger(label: "test")
        ) { countsAtSignal.withLock { $0.append(store.snapshot().count) } }
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            #expect(await eventually { !countsAtSignal.withLock { $0 }.isEmpty })
            #expect(await eventually { fake.events("ack").count >= Self.typeURLs })
            fake.send("push")
            #expect(await eventually { fake.events("ack").count >= 2 * Self.typeURLs })
            group.cancelAll()
        }
        await fake.stop()
        #expect(countsAtSignal.withLock { $0 } == [5], "once, with every kind applied")
    }

    @Test("50,000 ServiceEntries in one push, istiod restarted in the middle of it, one undecodable: the rest is applied, the bad one NACKed by name")
    func bulkPush() async throws {
        let directory = try Self.configDirectory()
        let bulk = ["--synthetic-service-entries", "50000"]
        var fake = try await FakeIstiod.start(configDirectory: directory, arguments: bulk)
        let port = fake.port
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(port)", backoff: Self.fastBackoff), store: store) { _ in
            let first = fake
            #expect(await eventually { !first.events("subscribe").isEmpty })
            await fake.stop()
            fake = try await FakeIstiod.start(configDirectory: directory, port: port, arguments: bulk)
            let started = ContinuousClock.now
            let restarted = fake
            #expect(await eventually(timeout: .seconds(120)) { !restarted.events("subscribe").isEmpty })
            let subscribed = ContinuousClock.now - started
            #expect(await eventually(timeout: .seconds(120)) { store.snapshot().count == 5 + 49_999 }, "\(store.snapshot().count)")
            print("bulk push: resubscribed \(subscribed) after istiod restarted; 49,999 of 50,000 ServiceEntries applied \(ContinuousClock.now - started) after istiod restarted")
            #expect(store.snapshot()[Self.key(.serviceEntry, "se-25000", namespace: "bulk")] == nil)
            #expect(store.snapshot()[Self.key(.serviceEntry, "se-24999", namespace: "bulk")] != nil)
            #expect(await eventually { !restarted.events("nack").isEmpty })
            let nack = try #require(restarted.events("nack").first)
            #expect((nack["error"] as? String)?.contains("bulk/se-25000") == true, "\(nack)")
        }
        await fake.stop()
    }

    @Test("istiod hanging without closing: keepalive detects it, the config stays, the client reconnects")
    func hungIstiod() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        let keepalive = Keepalive(time: .seconds(1), timeout: .seconds(1), permitWithoutCalls: true, minimumReceivedPingInterval: .seconds(1))
        let configuration = MCPClient.Configuration(address: "127.0.0.1:\(fake.port)", backoff: Self.fastBackoff, keepalive: keepalive)
        try await Self.withClient(configuration, store: store) { _ in
            #expect(await eventually { fake.events("ack").count >= Self.typeURLs })
            try await Task.sleep(for: .seconds(3))
            #expect(fake.events("stream_open").count == 1, "answered pings keep the stream")
            fake.freeze()
            try await Task.sleep(for: .seconds(4))
            #expect(store.snapshot().count == 5, "the config stays while istiod does not answer")
            fake.thaw()
            #expect(await eventually(timeout: .seconds(45)) { fake.events("stream_open").count >= 2 }, "a new stream after the hang")
            #expect(await eventually { fake.events("ack").count >= 2 * Self.typeURLs }, "resynced")
        }
        await fake.stop()
    }

    @Test("a token file rotated while connected: the next connection sends the new token")
    func rotatedToken() async throws {
        let directory = try Self.configDirectory()
        let tokenFile = directory.appendingPathComponent("token")
        try "token-1\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        var fake = try await FakeIstiod.start(configDirectory: directory, arguments: ["--token", "token-1"])
        let port = fake.port
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(port)", tokenFile: tokenFile.path, backoff: Self.fastBackoff), store: store) { _ in
            #expect(await eventually { fake.events("ack").count >= Self.typeURLs })
            try "token-2\n".write(to: tokenFile, atomically: true, encoding: .utf8)
            await fake.stop()
            fake = try await FakeIstiod.start(configDirectory: directory, port: port, arguments: ["--token", "token-2"])
            let restarted = fake
            #expect(await eventually { restarted.events("ack").count >= Self.typeURLs }, "accepted with the rotated token")
            #expect(restarted.events("rejected").isEmpty)
            #expect(store.snapshot().count == 5)
        }
        await fake.stop()
    }

    @Test("initial sync: every kind, both type-URL versions merged, node metadata GENERATOR=api, ACKs")
    func initialSync() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", backoff: Self.fastBackoff), store: store) { _ in
            #expect(await eventually { store.snapshot().count == 5 }, "\(store.snapshot().resources.keys)")
            let a = store.snapshot()[Self.key(.serviceEntry, "a")]
            #expect(a?.labels == ["team": "blue"])
            #expect(a?.annotations == ["interface": "org.apache.dubbo.Demo"])
            #expect(a?.version.isEmpty == false)
            #expect(store.snapshot()[Self.key(.serviceEntry, "b")]?.source == "mcp networking.istio.io/v1alpha3/ServiceEntry")
            #expect(store.snapshot()[Self.key(.applicationProtocol, "brpc")] != nil)
            // The store fills from the kinds that have resources; the other subscriptions may
            // still be on their way to the fake.
            func subscribedTypes() -> Set<String> { Set(fake.events("subscribe").compactMap { $0["type_url"] as? String }) }
            #expect(await eventually { subscribedTypes().count >= Self.typeURLs })
            let subscribed = subscribedTypes()
            #expect(subscribed.isSuperset(of: ["networking.istio.io/v1alpha3/ServiceEntry", "networking.istio.io/v1/ServiceEntry",
                                               "metaprotocol.aeraki.io/v1alpha1/MetaRouter",
                                               "security.istio.io/v1beta1/PeerAuthentication", "security.istio.io/v1/AuthorizationPolicy"]))
            // 6 networking and 3 security kinds under two versions each, 5 Aeraki kinds.
            #expect(subscribed.count == 23)
            #expect(subscribed.count == Self.typeURLs)
            let first = try #require(fake.events("subscribe").first)
            let metadata = first["metadata"] as? [String: Any]
            #expect(metadata?["GENERATOR"] as? String == "api")
            #expect((first["node_id"] as? String)?.hasPrefix("sidecar~127.0.0.1~aeraki.istio-system~") == true)
            #expect(await eventually { fake.events("ack").count >= Self.typeURLs })
            #expect(fake.events("nack").isEmpty)
        }
        await fake.stop()
    }

    @Test("update and delete: changed items are applied, missing items deleted, events name them")
    func updateAndDelete() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", backoff: Self.fastBackoff), store: store) { recorder in
            #expect(await eventually { store.snapshot().count == 5 })
            let initial = try #require(await Self.initialSyncBatches(recorder, store: store))
            let file = directory.appendingPathComponent("mesh.yaml")
            var text = try String(contentsOf: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "{number: 20880, name: tcp-dubbo}", with: "{number: 20881, name: tcp-dubbo}")
            let bStart = try #require(text.range(of: "apiVersion: networking.istio.io/v1alpha3"))
            let bEnd = try #require(text.range(of: "apiVersion: networking.istio.io/v1\nkind: DestinationRule"))
            text.removeSubrange(bStart.lowerBound..<bEnd.lowerBound)
            try text.write(to: file, atomically: true, encoding: .utf8)
            fake.send("push")
            #expect(await eventually { Self.port(store, "a") == 20881 && store.snapshot().count == 4 })
            let expected: Set<String> = ["ServiceEntry dubbo/a", "ServiceEntry dubbo/b"]
            let updates = { recorder.all.dropFirst(initial).reduce(Set()) { $0.union($1) } }
            #expect(await eventually { updates() == expected }, "\(recorder.all)")
        }
        await fake.stop()
    }

    @Test("an undecodable resource is NACKed with details; the rest is applied and its last version kept")
    func nack() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", backoff: Self.fastBackoff), store: store) { _ in
            #expect(await eventually { store.snapshot().count == 5 })
            let file = directory.appendingPathComponent("mesh.yaml")
            var text = try String(contentsOf: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "annotations: {interface: org.apache.dubbo.Demo}",
                                             with: "annotations: {interface: org.apache.dubbo.Demo, fake-istiod/corrupt: \"true\"}")
            text += """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: c, namespace: dubbo}
                spec: {hosts: [c.dubbo.svc.cluster.local], ports: [{number: 7000, name: tcp-kafka}]}

                """
            try text.write(to: file, atomically: true, encoding: .utf8)
            fake.send("push")
            #expect(await eventually { store.snapshot()[Self.key(.serviceEntry, "c")] != nil }, "the decodable rest is applied")
            #expect(await eventually { !fake.events("nack").isEmpty })
            let nack = try #require(fake.events("nack").first)
            #expect(nack["type_url"] as? String == "networking.istio.io/v1/ServiceEntry")
            #expect((nack["error"] as? String)?.contains("dubbo/a") == true, "\(nack)")
            #expect(Self.port(store, "a") == 20880, "the last decodable version of a stays in effect")
        }
        await fake.stop()
    }

    @Test("istiod restart: config stays in effect while disconnected; the resync produces no change event")
    func restart() async throws {
        let directory = try Self.configDirectory()
        var fake = try await FakeIstiod.start(configDirectory: directory)
        let port = fake.port
        let store = ConfigStore()
        let streamsEnded = Mutex(0)
        try await Self.withClient(
            .init(address: "127.0.0.1:\(port)", backoff: Self.fastBackoff), store: store,
            onStreamEnded: { streamsEnded.withLock { $0 += 1 } }
        ) { recorder in
            #expect(await eventually { store.snapshot().count == 5 })
            let initial = try #require(await Self.initialSyncBatches(recorder, store: store))
            #expect(await eventually { fake.events("ack").count >= Self.typeURLs })
            let before = store.snapshot()
            await fake.stop()
            #expect(await eventually { streamsEnded.withLock { $0 } >= 1 }, "the client saw the stream end")
            #expect(store.snapshot().count == 5, "config kept while disconnected")
            fake = try await FakeIstiod.start(configDirectory: directory, port: port)
            let restarted = fake
            // The client applies each response to the store before it ACKs, so once every type is
            // ACKed the store is final: an unchanged version means no change event can follow.
            #expect(await eventually { restarted.events("ack").count >= Self.typeURLs }, "resynced after reconnecting")
            #expect(store.snapshot().version == before.version)
            #expect(recorder.all.count == initial, "no spurious change event: \(recorder.all)")
        }
        await fake.stop()
    }

    @Test("TLS on 15012 with the Istio root, an SNI override and a bearer token read from a file")
    func tlsWithToken() async throws {
        let certificates = try await FakeIstiod.makeCertificates()
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory, arguments: [
            "--tls-cert", certificates.appendingPathComponent("istiod.pem").path,
            "--tls-key", certificates.appendingPathComponent("istiod.key").path, "--token", "sa-token-123",
        ])
        let tokenFile = certificates.appendingPathComponent("token")
        try "sa-token-123\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let tls = MCPClient.Configuration.TLS(rootCertificatesFile: certificates.appendingPathComponent("ca.pem").path,
                                              serverNameOverride: "istiod.istio-system.svc")
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", tls: tls, tokenFile: tokenFile.path, backoff: Self.fastBackoff),
                                  store: store) { _ in
            #expect(await eventually { store.snapshot().count == 5 })
            #expect(fake.events("rejected").isEmpty)
        }

        let wrongToken = certificates.appendingPathComponent("wrong-token")
        try "not-the-token".write(to: wrongToken, atomically: true, encoding: .utf8)
        let rejectedStore = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", tls: tls, tokenFile: wrongToken.path, backoff: Self.fastBackoff),
                                  store: rejectedStore) { _ in
            #expect(await eventually { fake.events("rejected").count >= 3 }, "refused, and retried with backoff")
            #expect(rejectedStore.snapshot().count == 0)
        }

        await fake.stop()
    }

    @Test("delta ADS: initial sync, then deletes arrive as removed resources")
    func delta() async throws {
        let directory = try Self.configDirectory()
        let fake = try await FakeIstiod.start(configDirectory: directory)
        let store = ConfigStore()
        try await Self.withClient(.init(address: "127.0.0.1:\(fake.port)", mode: .delta, backoff: Self.fastBackoff), store: store) { _ in
            #expect(await eventually { store.snapshot().count == 5 })
            #expect(fake.events("stream_open").first?["delta"] as? Bool == true)
            let file = directory.appendingPathComponent("mesh.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            let cut = try #require(text.range(of: "---\napiVersion: metaprotocol.aeraki.io/v1alpha1\nkind: MetaRouter"))
            try String(text[..<cut.lowerBound]).write(to: file, atomically: true, encoding: .utf8)
            fake.send("push")
            #expect(await eventually { store.snapshot().count == 3 }, "MetaRouter and ApplicationProtocol removed")
            #expect(fake.events("nack").isEmpty)
        }
        await fake.stop()
    }
}
