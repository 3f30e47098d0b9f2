// The xDS fan-out benchmark (Scripts/bench-fanout.sh): an in-process XDSServer on the gRPC
// transport and S lightweight ADS clients (they parse only what an ACK needs), one node each, with
// N clusters + N assignments + N listeners per node. Scenarios: (a) connect storm until every
// stream has ACKed everything, (b) one assignment changed for all nodes, (c) every listener changed.
// Each is compared with the transport ceiling: the same bytes, pre-encoded, pushed to the same
// number of streams by a bare loop over the same transport, in the same run.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LibGRPCTransport
import XDSCache
import XDSServer

func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = CommandLine.arguments.firstIndex(of: name), i + 1 < CommandLine.arguments.count else { return fallback }
    return Int(CommandLine.arguments[i + 1]) ?? fallback
}

let adsMethod = XDSMethod.streamAggregatedResources
let bareMethod = "/aeraki.bench.Bare/Push"

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

func procStatus(_ key: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// Returns freed heap memory to the OS (glibc `malloc_trim`, looked up at run time), so the RSS
/// shows live memory rather than the allocator's retained free lists.
func mallocTrim() {
    #if canImport(Glibc)
    guard let symbol = dlsym(nil, "malloc_trim") else { return }
    typealias Trim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
    #endif
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Encodes a DiscoveryResponse the way the bare loop sends it.
func encodeResponse(_ typeURL: String, _ set: TypeResources, only names: [String]? = nil) -> [UInt8] {
    var writer = ProtoWriter(capacity: 1 << 16)
    writer.stringField(1, set.version)
    for name in names ?? set.sortedNames { writer.bytesField(2, set[name]!.anyBytes) }
    writer.stringField(4, typeURL)
    writer.stringField(5, "1")
    return writer.bytes
}

/// One simulated Envoy: subscribes to CDS (wildcard), EDS (every cluster) and LDS (wildcard), and
/// ACKs every response, until cancelled. `limit` ends it after that many responses (bare loop).
func client(_ index: Int, channel: GRPCChannel, method: String, tracker: Tracker, limit: Int?, requests: Requests) async {
    _ = try? await channel.withStream(method: method) { stream in
        let node = "node-\(index)"
        try await stream.send(requests.request(typeURL: TypeURL.cluster, version: "", nonce: "", nodeID: node))
        try await stream.send(requests.request(typeURL: TypeURL.endpoint, version: "", nonce: "", nodeID: nil))
        try await stream.send(requests.request(typeURL: TypeURL.listener, version: "", nonce: "", nodeID: nil))
        var received = 0
        while let message = try await stream.receive() {
            let response = LightParser.parse(message)
            try await stream.send(requests.request(
                typeURL: response.typeURL, version: response.version, nonce: response.nonce, nodeID: nil
            ))
            tracker.record(stream: index, typeURL: response.typeURL, version: response.version, bytes: message.count)
            received += 1
            if let limit, received >= limit { return }
        }
    }
}

struct Figures {
    var name: String
    var seconds: Double
    var responses: Int
    var bytes: Int
    var peakRSSMiB: Double
    var responsesPerSecond: Double { Double(responses) / seconds }
    var bytesPerSecond: Double { Double(bytes) / seconds }
}

func runBare(
    streamCount: Int,
    bare: BarePlan,
    requests: Requests,
    channels: [GRPCChannel],
    messages: [[UInt8]],
    targets: [String: String],
    gated: Bool,
    zeroCopy: Bool
) async -> Figures {
    let tracker = Tracker()
    tracker.begin(streams: streamCount, targets: targets)
    let gate = gated ? Gate() : nil
    bare.set(messages: zeroCopy ? .payloads(messages.map { Payload($0) }) : .bytes(messages), gate: gate)
    return await withTaskGroup(of: Void.self) { group in
        let clock = ContinuousClock()
        var start = clock.now
        for i in 0..<streamCount {
            group.addTask {
                await client(i, channel: channels[i % channels.count], method: bareMethod, tracker: tracker, limit: messages.count,
                             requests: requests)
            }
        }
        if let gate {
            while bare.subscribed < streamCount { try? await Task.sleep(for: .milliseconds(5)) }
            start = clock.now
            gate.open()
        }
        await tracker.waitAll()
        let elapsed = seconds(clock.now - start)
        await group.waitForAll()
        let totals = tracker.totals
        return Figures(name: "bare", seconds: elapsed, responses: totals.responses, bytes: totals.bytes,
                       peakRSSMiB: Double(procStatus("VmHWM")) / 1024)
    }
}

@main
struct FanoutBench {
    static func main() async throws {
        let streamCount = option("--streams", 2000)
        let resourceCount = option("--resources", 1000)
        let channelCount = option("--channels", 16)
        let clock = ContinuousClock()
        log("preparing \(resourceCount) clusters, assignments and listeners")
        let requests = Requests(clusters: resourceCount)
        let clusters = TypeResources(try (0..<resourceCount).map { try BenchResources.cluster($0) })
        let assignments = TypeResources(try (0..<resourceCount).map { try BenchResources.assignment($0, generation: 0) })
        let listeners = TypeResources(try (0..<resourceCount).map { try BenchResources.listener($0, generation: 0) })
        let snapshot = Snapshot(types: [TypeURL.cluster: clusters, TypeURL.endpoint: assignments, TypeURL.listener: listeners])

        let cache = SnapshotCache()
        for i in 0..<streamCount { cache.setSnapshot(snapshot, forNode: "node-\(i)") }
        let xds = XDSServer(cache: cache, configuration: .init(controlPlaneID: "fanout-bench"))
        let bare = BarePlan()
        var router = Router()
        xds.register(into: &router)
        router.register(bareMethod) { stream in
            var requests = stream.requests.makeAsyncIterator()
            guard try await requests.next() != nil else { return [:] }
            let (messages, gate) = bare.subscribe()
            if let gate { await gate.wait() }
            switch messages {
            case .bytes(let list): for message in list { try await stream.send(message) }
            case .payloads(let list): for payload in list { try await stream.send(payload) }
            }
            while try await requests.next() != nil {}
            return [:]
        }
        var serverConfiguration = GRPCServer.Configuration(listeners: [.init(host: "127.0.0.1", port: 0)])
        serverConfiguration.shutdownGracePeriod = .milliseconds(200)
        let server = GRPCServer(configuration: serverConfiguration, router: router)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPorts()[0]
            let channels = try (0..<channelCount).map { _ in try GRPCChannel(target: "127.0.0.1:\(port)") }
            let xdsChannels = try (0..<channelCount).map { _ in try GRPCChannel(target: "127.0.0.1:\(port)") }
            let tracker = Tracker()
            var results: [(String, Figures, Figures, Figures)] = []

            let baselineRSS = Double(procStatus("VmRSS")) / 1024
        // (a) connect storm
            log("(a) connect storm: \(streamCount) ADS streams")
            tracker.begin(streams: streamCount, targets: [
                TypeURL.cluster: clusters.version, TypeURL.endpoint: assignments.version, TypeURL.listener: listeners.version,
            ])
            var start = clock.now
            for i in 0..<streamCount {
                group.addTask {
                    await client(i, channel: xdsChannels[i % xdsChannels.count], method: adsMethod, tracker: tracker, limit: nil,
                                 requests: requests)
                }
            }
            await tracker.waitAll()
            var elapsed = seconds(clock.now - start)
            var totals = tracker.totals
            let a = Figures(name: "a", seconds: elapsed, responses: totals.responses, bytes: totals.bytes,
                            peakRSSMiB: Double(procStatus("VmHWM")) / 1024)
            try? await Task.sleep(for: .milliseconds(500))
            let settledRSS = Double(procStatus("VmRSS")) / 1024
            mallocTrim()
            let trimmedRSS = Double(procStatus("VmRSS")) / 1024
            let bareA = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.cluster, clusters), encodeResponse(TypeURL.endpoint, assignments),
                           encodeResponse(TypeURL.listener, listeners)],
                targets: [TypeURL.cluster: clusters.version, TypeURL.endpoint: assignments.version,
                          TypeURL.listener: listeners.version],
                gated: false,
                zeroCopy: false
            )
            let bareAZero = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.cluster, clusters), encodeResponse(TypeURL.endpoint, assignments),
                           encodeResponse(TypeURL.listener, listeners)],
                targets: [TypeURL.cluster: clusters.version, TypeURL.endpoint: assignments.version,
                          TypeURL.listener: listeners.version],
                gated: false,
                zeroCopy: true
            )
            results.append(("a", a, bareA, bareAZero))

            // (b) one assignment changed for every node
            log("(b) one endpoint assignment changed for all nodes")
            let serializationsBefore = SerializationCounter.value
            let changed = try BenchResources.assignment(0, generation: 1)
            let assignmentsB = assignments.replacing(changed)
            let snapshotB = snapshot.replacing(TypeURL.endpoint, with: assignmentsB)
            tracker.begin(streams: streamCount, targets: [TypeURL.endpoint: assignmentsB.version])
            start = clock.now
            for i in 0..<streamCount { cache.setSnapshot(snapshotB, forNode: "node-\(i)") }
            await tracker.waitAll()
            elapsed = seconds(clock.now - start)
            totals = tracker.totals
            let serializationsB = SerializationCounter.value - serializationsBefore
            let b = Figures(name: "b", seconds: elapsed, responses: totals.responses, bytes: totals.bytes,
                            peakRSSMiB: Double(procStatus("VmHWM")) / 1024)
            let bareB = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.endpoint, assignmentsB, only: [changed.name])],
                targets: [TypeURL.endpoint: assignmentsB.version],
                gated: true,
                zeroCopy: false
            )
            let bareBZero = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.endpoint, assignmentsB, only: [changed.name])],
                targets: [TypeURL.endpoint: assignmentsB.version],
                gated: true,
                zeroCopy: true
            )
            results.append(("b", b, bareB, bareBZero))

            // (c) every listener changed (full-state LDS)
            log("(c) every listener changed")
            let listenersC = TypeResources(try (0..<resourceCount).map { try BenchResources.listener($0, generation: 1) })
            let snapshotC = snapshotB.replacing(TypeURL.listener, with: listenersC)
            tracker.begin(streams: streamCount, targets: [TypeURL.listener: listenersC.version])
            start = clock.now
            for i in 0..<streamCount { cache.setSnapshot(snapshotC, forNode: "node-\(i)") }
            await tracker.waitAll()
            elapsed = seconds(clock.now - start)
            totals = tracker.totals
            let c = Figures(name: "c", seconds: elapsed, responses: totals.responses, bytes: totals.bytes,
                            peakRSSMiB: Double(procStatus("VmHWM")) / 1024)
            let bareC = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.listener, listenersC)],
                targets: [TypeURL.listener: listenersC.version],
                gated: true,
                zeroCopy: false
            )
            let bareCZero = await runBare(
                streamCount: streamCount, bare: bare, requests: requests,
                channels: channels,
                messages: [encodeResponse(TypeURL.listener, listenersC)],
                targets: [TypeURL.listener: listenersC.version],
                gated: true,
                zeroCopy: true
            )
            results.append(("c", c, bareC, bareCZero))

            for channel in channels + xdsChannels { await channel.close() }
            server.beginGracefulShutdown()
            try? await group.waitForAll()

            func f(_ x: Double) -> String { String(format: "%.3f", x) }
            print("streams: \(streamCount)")
            print("resources_per_type: \(resourceCount)")
            print("baseline_rss_mib: \(f(baselineRSS))")
            print("a_settled_rss_mib: \(f(settledRSS))")
            print("a_settled_rss_after_malloc_trim_mib: \(f(trimmedRSS))")
            for (name, x, copying, ceiling) in results {
                print("\(name)_time_to_all_acked_s: \(f(x.seconds))")
                print("\(name)_responses: \(x.responses)")
                print("\(name)_responses_per_s: \(f(x.responsesPerSecond))")
                print("\(name)_bytes: \(x.bytes)")
                print("\(name)_bytes_per_s: \(f(x.bytesPerSecond))")
                print("\(name)_peak_rss_mib: \(f(x.peakRSSMiB))")
                print("\(name)_ceiling_time_s: \(f(ceiling.seconds))")
                print("\(name)_ceiling_bytes_per_s: \(f(ceiling.bytesPerSecond))")
                print("\(name)_ceiling_responses_per_s: \(f(ceiling.responsesPerSecond))")
                print("\(name)_copying_ceiling_bytes_per_s: \(f(copying.bytesPerSecond))")
                print("\(name)_ratio: \(f(x.bytesPerSecond / ceiling.bytesPerSecond))")
                print("\(name)_ratio_vs_copying_send: \(f(x.bytesPerSecond / copying.bytesPerSecond))")
            }
            print("fanout_ratio_connect: \(f(results[0].1.bytesPerSecond / results[0].3.bytesPerSecond))")
            print("fanout_ratio_eds: \(f(results[1].1.bytesPerSecond / results[1].3.bytesPerSecond))")
            print("fanout_ratio_full: \(f(results[2].1.bytesPerSecond / results[2].3.bytesPerSecond))")
            print("serializations_per_resource: \(f(Double(serializationsB) / 1))")
        }
    }
}
