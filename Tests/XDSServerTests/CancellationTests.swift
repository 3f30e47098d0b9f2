import EnvoyAPI
import Foundation
import LibGRPCTransport
import SwiftProtobuf
import Synchronization
import Testing
import XDSCache
@testable import XDSServer

@Suite("Cancelled streams")
struct CancellationTests {
    @Test("A pending signal wakes the waiter; a cancelled waiter's wait returns false")
    func wakeupReportsCancellation() async {
        let signalled = Wakeup()
        signalled.signal()
        #expect(await signalled.wait())
        let cancelled = Wakeup()
        let waiter = Task { await cancelled.wait() }
        waiter.cancel()
        #expect(await waiter.value == false)
    }

    /// A writer whose handler is cancelled while its stream is still open used to wait again and
    /// again without suspending; with as many such writers as pool threads, nothing else ran and
    /// the server hung (seen when 1,000 sidecars lost the server at once).
    @Test(
        "Streams whose clients all cancel at once all close, and the server goes on serving",
        .timeLimit(.minutes(1)),
        arguments: [false, true]
    )
    func simultaneousCancels(delta: Bool) async throws {
        let closed = Atomic<Int>(0)
        var hooks = XDSHooks()
        hooks.onStreamClosed = { _ in closed.add(1, ordering: .relaxed) }
        try await LoopbackTests.withServer(hooks: hooks) { cache, channel in
            cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a")]), forNode: "n1")
            let count = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)
            let barrier = Barrier(parties: count)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        try await Self.firstResponse(on: channel, delta: delta) { _ in await barrier.arriveAndWait() }
                    }
                }
                try await group.waitForAll()
            }
            for _ in 0..<1_000 where closed.load(ordering: .relaxed) < count {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(closed.load(ordering: .relaxed) == count)
            try await Self.firstResponse(on: channel, delta: delta) { _ in }
        }
    }

    /// Shutdown cancels every open call at once: the writers are cancelled before their readers
    /// learn that the call ended, which is when the spinning writers starved the readers (SIGTERM
    /// under 1,000 sidecars left the server at 184% CPU, never exiting).
    @Test(
        "Shutting down with many streams open ends every stream and the server returns",
        .timeLimit(.minutes(1)),
        arguments: [false, true]
    )
    func shutdownWithOpenStreams(delta: Bool) async throws {
        let closed = Atomic<Int>(0)
        var hooks = XDSHooks()
        hooks.onStreamClosed = { _ in closed.add(1, ordering: .relaxed) }
        let cache = SnapshotCache()
        cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a")]), forNode: "n1")
        let xds = XDSServer(cache: cache, hooks: hooks)
        var router = Router()
        xds.register(into: &router)
        let server = GRPCServer(configuration: .defaults, router: router)
        let count = 32 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        let barrier = Barrier(parties: count + 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let channel = try GRPCChannel(target: "127.0.0.1:\(try await server.listeningPorts()[0])")
            for _ in 0..<count {
                group.addTask {
                    try await Self.firstResponse(on: channel, delta: delta) { stream in
                        await barrier.arriveAndWait()
                        // The server ends the call; whether as an error or an end, no more responses.
                        #expect((try? await stream.receive()) ?? nil == nil)
                    }
                }
            }
            await barrier.arriveAndWait()
            server.beginGracefulShutdown(gracePeriod: .zero)
            try await group.waitForAll()
            await channel.close()
        }
        #expect(closed.load(ordering: .relaxed) == count)
    }

    /// Opens an ADS stream for node `n1`, asks for clusters, receives the first response, runs
    /// `beforeCancel`, and leaves without half-closing, which cancels the call if it is still open.
    private static func firstResponse(
        on channel: GRPCChannel, delta: Bool, beforeCancel: (ClientStream) async -> Void
    ) async throws {
        let method = delta ? XDSMethod.deltaAggregatedResources : XDSMethod.streamAggregatedResources
        try await channel.withStream(method: method) { stream in
            if delta {
                var request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
                request.node.id = "n1"
                request.typeURL = TypeURL.cluster
                try await stream.send(try request.serializedBytes())
                let response = try Envoy_Service_Discovery_V3_DeltaDiscoveryResponse(
                    serializedBytes: try #require(await stream.receive())
                )
                #expect(response.resources.map(\.name) == ["a"])
            } else {
                var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
                request.node.id = "n1"
                request.typeURL = TypeURL.cluster
                try await stream.send(try request.serializedBytes())
                let response = try Envoy_Service_Discovery_V3_DiscoveryResponse(
                    serializedBytes: try #require(await stream.receive())
                )
                #expect(response.resources.count == 1)
            }
            await beforeCancel(stream)
        }
    }
}

/// Lets `parties` tasks go on together: each waits until the last one has arrived.
private final class Barrier: Sendable {
    private struct State {
        var arrived = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let parties: Int
    private let state = Mutex(State())

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let release = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                state.waiters.append(continuation)
                guard state.arrived == parties else { return [] }
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in release { waiter.resume() }
        }
    }
}
