import Foundation
import LibGRPCTransport

/// The outcome of one edit: how long until every affected sidecar ACKed it, what it cost, and what
/// the server pushed for it.
struct EditOutcome {
    var allAckedSeconds: Double?
    var serverCPU: Double
    var clientCPU: Double
    var affected: Int
    var acked: Int
    var pushedTypes: [String]
    var pushedResponses: Int
    var pushedResources: Int
}

/// The scenarios of the scale benchmark, run in order against one server: idle, connect all,
/// one endpoint edit, one VirtualService edit, a series of alternating edits, then (optionally) a
/// restart of the server (`Restart.swift`) and a soak (`Soak.swift`).
final class Scenarios {
    let options: Options
    /// The server process (a new one after the restart scenario).
    var server: ProcessStats
    let layout: MeshLayout
    let editor: MeshEditor
    let watch = SharedWatch()
    let states: [SidecarState]
    private var tasks: [Task<Void, Never>] = []
    private var channels: [GRPCChannel] = []
    private var connectedRSS = Double.nan
    private var idleRSS = Double.nan
    private var editSequence = 0
    private let clock = ContinuousClock()

    init(options: Options) {
        self.options = options
        server = ProcessStats(pid: options.serverPID)
        layout = MeshLayout(directory: options.configDir, services: options.services)
        editor = MeshEditor(layout: layout)
        states = (0..<options.sidecars).map { _ in SidecarState() }
    }

    // MARK: Idle

    func idle() async {
        try? await Task.sleep(for: .seconds(1))
        idleRSS = server.rssMiB()
        let meter = CPUMeter(server: server)
        try? await Task.sleep(for: .seconds(2))
        Report.value("server_rss_idle_mib", idleRSS)
        Report.value("server_idle_cpu_s_per_s", meter.elapsed().server / 2)
    }

    // MARK: Connect

    /// Connects every sidecar and waits until each has ACKed CDS, LDS and every EDS/RDS resource
    /// it subscribed to. Returns false on timeout or stream errors.
    func connectAll() async throws -> Bool {
        Report.log("connecting \(options.sidecars) \(options.mode.rawValue) sidecars over \(options.connections) connections")
        let parser = ResponseParser()
        for c in 0..<options.connections {
            // Distinct keepalive times give distinct channel arguments, so gRPC core does not share
            // one subchannel (one TCP connection) between the channels.
            var configuration = GRPCChannel.Configuration()
            configuration.keepalive.time = .seconds(300) + .milliseconds(c)
            channels.append(try GRPCChannel(target: options.xds, configuration: configuration))
        }
        let meter = CPUMeter(server: server)
        let start = clock.now
        for i in 0..<options.sidecars {
            let sidecar = Sidecar(identity: SidecarIdentity(index: i, workloads: options.workloads), mode: options.mode,
                                  state: states[i], watch: watch, parser: parser, reconnect: options.restartPIDFile != nil)
            let channel = channels[i % channels.count]
            tasks.append(Task { await sidecar.run(channel: channel) })
        }
        let done = await waitUntil("synced") { snapshots in
            snapshots.filter { $0.syncedAt != nil }.count
        }
        let cpu = meter.elapsed()
        let snapshots = states.map(\.snapshot)
        let synced = snapshots.compactMap(\.syncedAt)
        Report.value("sidecars", options.sidecars)
        Report.value("connections", options.connections)
        Report.value("connect_synced_sidecars", synced.count)
        Report.value("connect_all_synced_s", done ? seconds(synced.max()! - start) : .nan)
        Report.value("connect_server_cpu_s", cpu.server)
        Report.value("connect_client_cpu_s", cpu.client)
        let eds = snapshots.map { $0.subscribed[XDSType.endpoint]?.count ?? 0 }
        let rds = snapshots.map { $0.subscribed[XDSType.route]?.count ?? 0 }
        let clusters = snapshots.map { $0.types[XDSType.cluster]?.resources ?? 0 }
        let listeners = snapshots.map { $0.types[XDSType.listener]?.resources ?? 0 }
        Report.value("connect_cds_resources_per_sidecar", Double(clusters.reduce(0, +)) / Double(max(1, clusters.count)))
        Report.value("connect_lds_resources_per_sidecar", Double(listeners.reduce(0, +)) / Double(max(1, listeners.count)))
        Report.value("connect_eds_subscribed_per_sidecar", Double(eds.reduce(0, +)) / Double(max(1, eds.count)))
        Report.value("connect_rds_subscribed_per_sidecar", Double(rds.reduce(0, +)) / Double(max(1, rds.count)))
        _ = await waitQuiet()
        try? await Task.sleep(for: .seconds(1))
        connectedRSS = server.rssMiB()
        Report.value("server_rss_mib", connectedRSS)
        Report.value("rss_per_proxy_kib", (connectedRSS - idleRSS) * 1024 / Double(max(1, options.sidecars)))
        return done
    }

    // MARK: Edits

    /// One endpoint address of a plain TCP service changed; done when every sidecar subscribed to
    /// the service's ClusterLoadAssignment(s) has ACKed a response carrying them.
    func endpointEdit(service: Int, settle: Bool = true) async throws -> EditOutcome {
        let suffix = "|" + layout.host(service)
        let names = Set(states.first?.snapshot.subscribed[XDSType.endpoint]?.filter { $0.hasSuffix(suffix) } ?? [])
        guard !names.isEmpty else { throw MeshEditError.notFound("an EDS subscription for \(layout.host(service))") }
        sequenceNext()
        return try await runEdit(watching: names, settle: settle, make: { try self.editor.editEndpoint(service: service, sequence: self.editSequence) }) { snapshot, since in
            // `names` holds a name or three; filtering it keeps this poll O(1) per sidecar.
            let subscribed = snapshot.subscribed[XDSType.endpoint] ?? []
            let mine = names.filter { subscribed.contains($0) }
            if mine.isEmpty { return .unaffected }
            var latest = since
            for name in mine {
                guard let at = snapshot.watchedAckAt[name], at >= since else { return .waiting }
                latest = max(latest, at)
            }
            return .acked(latest)
        }
    }

    /// The weights of a Dubbo or Thrift VirtualService changed; done when every sidecar has ACKed an
    /// LDS response sent after the write.
    func virtualServiceEdit(service: Int, settle: Bool = true) async throws -> EditOutcome {
        sequenceNext()
        return try await runEdit(watching: [], settle: settle, make: { try self.editor.editWeights(service: service, sequence: self.editSequence) }) { snapshot, since in
            guard let at = snapshot.types[XDSType.listener]?.ackedAt, at >= since else { return .waiting }
            return .acked(at)
        }
    }

    private func sequenceNext() { editSequence += 1 }

    enum EditProgress {
        case unaffected
        case waiting
        case acked(ContinuousClock.Instant)
    }

    /// Makes an edit and waits until every sidecar it affects has ACKed it. With `settle`, it also
    /// waits for the server to be quiet before and after (exact push counts); without, edits follow
    /// each other as fast as they are ACKed (the soak).
    private func runEdit(
        watching names: Set<String>,
        settle: Bool,
        make: () throws -> MeshEdit,
        progress: @escaping (SidecarState.Snapshot, ContinuousClock.Instant) -> EditProgress
    ) async throws -> EditOutcome {
        if settle { _ = await waitQuiet() }
        let before = pushTotals()
        watch.names = names
        defer { watch.names = [] }
        let meter = CPUMeter(server: server)
        let edit = try make()
        Report.log("edit: \(edit.description)")
        let since = edit.writtenAt
        // Subscriptions do not change during an edit, so which sidecars it affects is known up front.
        let affectedIndices = states.indices.filter {
            if case .unaffected = progress(states[$0].snapshot, since) { false } else { true }
        }
        let affected = affectedIndices.count
        let done = await waitUntil("acked", target: affected) { snapshots in
            affectedIndices.filter { if case .acked = progress(snapshots[$0], since) { true } else { false } }.count
        }
        let cpu = meter.elapsed()
        var latest: ContinuousClock.Instant?
        var acked = 0
        for snapshot in states.map(\.snapshot) {
            if case .acked(let at) = progress(snapshot, since) {
                acked += 1
                latest = max(latest ?? at, at)
            }
        }
        if settle { _ = await waitQuiet() }
        let after = pushTotals()
        var types: [String] = []
        var responses = 0
        var resources = 0
        for type in XDSType.all {
            let r = (after[type]?.responses ?? 0) - (before[type]?.responses ?? 0)
            guard r > 0 else { continue }
            types.append(XDSType.shortName(type))
            responses += r
            resources += (after[type]?.resources ?? 0) - (before[type]?.resources ?? 0)
        }
        return EditOutcome(allAckedSeconds: done ? latest.map { seconds($0 - since) } : nil, serverCPU: cpu.server,
                           clientCPU: cpu.client, affected: affected, acked: acked, pushedTypes: types,
                           pushedResponses: responses, pushedResources: resources)
    }

    /// Prints one edit's figures under `prefix`.
    func report(_ prefix: String, _ o: EditOutcome) {
        Report.value("\(prefix)_all_acked_s", o.allAckedSeconds ?? .nan)
        Report.value("\(prefix)_server_cpu_s", o.serverCPU)
        Report.value("\(prefix)_client_cpu_s", o.clientCPU)
        Report.value("\(prefix)_affected_sidecars", o.affected)
        Report.value("\(prefix)_acked_sidecars", o.acked)
        Report.value("\(prefix)_pushed_types", o.pushedTypes.isEmpty ? "none" : o.pushedTypes.joined(separator: ","))
        Report.value("\(prefix)_pushed_responses", o.pushedResponses)
        Report.value("\(prefix)_pushed_resources", o.pushedResources)
    }

    /// `count` more edits, alternating endpoint and VirtualService edits over different services,
    /// each waiting for every ACK; then the server's RSS against the connected RSS.
    func editSeries(count: Int) async throws {
        let tcp = layout.tcpServices
        let routed = layout.routedServices
        var times: [Double] = []
        var serverCPU = 0.0
        var clientCPU = 0.0
        for k in 0..<count {
            let outcome = k % 2 == 0
                ? try await endpointEdit(service: tcp[(k / 2 + 1) % tcp.count])
                : try await virtualServiceEdit(service: routed[(k / 2 + 1) % routed.count])
            serverCPU += outcome.serverCPU
            clientCPU += outcome.clientCPU
            guard let t = outcome.allAckedSeconds else {
                Report.log("edit \(k + 1) of \(count) timed out (\(outcome.acked)/\(outcome.affected) acked); stopping the series")
                break
            }
            times.append(t)
            if (k + 1) % 10 == 0 { Report.log("\(k + 1)/\(count) edits done") }
        }
        Report.value("edits_completed", times.count)
        Report.value("edits_all_acked_mean_s", times.isEmpty ? .nan : times.reduce(0, +) / Double(times.count))
        Report.value("edits_all_acked_max_s", times.max() ?? .nan)
        Report.value("edits_server_cpu_s", serverCPU)
        Report.value("edits_client_cpu_s", clientCPU)
        _ = await waitQuiet()
        try? await Task.sleep(for: .seconds(1))
        let rss = server.rssMiB()
        Report.value("rss_after_\(count)_edits_mib", rss)
        Report.value("rss_after_\(count)_edits_ratio", rss / connectedRSS)
        Report.value("server_peak_rss_mib", server.peakRSSMiB())
    }

    // MARK: Teardown and helpers

    func close() async {
        let errors = states.compactMap(\.snapshot.error)
        Report.value("stream_errors", errors.count)
        if let first = errors.first { Report.log("first stream error: \(first)") }
        for task in tasks { task.cancel() }
        for channel in channels { await channel.close() }
        for task in tasks { await task.value }
    }

    /// Per type: responses and resources received so far, summed over the sidecars.
    func pushTotals() -> [String: (responses: Int, resources: Int)] {
        var out: [String: (responses: Int, resources: Int)] = [:]
        for snapshot in states.map(\.snapshot) {
            for (type, p) in snapshot.types {
                let t = out[type] ?? (0, 0)
                out[type] = (t.responses + p.responses, t.resources + p.resources)
            }
        }
        return out
    }

    /// Polls until `count` reaches `target` (default: every sidecar), a stream fails, or the timeout.
    func waitUntil(
        _ what: String,
        target: Int? = nil,
        count: ([SidecarState.Snapshot]) -> Int
    ) async -> Bool {
        let want = target ?? states.count
        let start = clock.now
        var lastLog = start
        while true {
            let snapshots = states.map(\.snapshot)
            let have = count(snapshots)
            if have >= want { return true }
            let errors = snapshots.filter { $0.error != nil }.count
            if errors > 0 {
                Report.log("\(errors) streams failed while waiting for \(what)")
                return false
            }
            if !server.isAlive {
                Report.log("the server exited")
                return false
            }
            if clock.now - start > options.timeout {
                Report.log("timed out: \(have)/\(want) \(what)")
                return false
            }
            if clock.now - lastLog > .seconds(5) {
                Report.log("\(have)/\(want) \(what)")
                lastLog = clock.now
            }
            // The figures come from the ACK timestamps the sidecars record, not from this poll,
            // so it can be coarse enough to cost the machine next to nothing.
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until no response has arrived for 300 ms (at most the timeout).
    func waitQuiet(window: Duration = .milliseconds(300)) async -> Bool {
        let start = clock.now
        var last = watch.responseCount
        var changed = start
        while clock.now - start < options.timeout {
            try? await Task.sleep(for: .milliseconds(20))
            let now = watch.responseCount
            if now != last {
                last = now
                changed = clock.now
            } else if clock.now - changed >= window {
                return true
            }
        }
        return false
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
