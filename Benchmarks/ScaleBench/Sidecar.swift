import LibGRPCTransport

/// The ADS flavour the sidecars speak.
enum ADSMode: String, Sendable {
    case sotw
    case delta

    var method: String {
        switch self {
        case .sotw: "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
        case .delta: "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources"
        }
    }
}

/// One simulated Envoy sidecar on one ADS stream, the way Envoy drives it: CDS and LDS wildcard
/// first; then EDS for every EDS cluster the clusters name and RDS for every route configuration the
/// listeners name (re-subscribing when those change); every response is ACKed at once (SotW: version,
/// nonce and the same names; delta: the nonce). Never NACKs. With `reconnect`, a stream the server
/// ends is opened again and resumed as Envoy resumes it: every type requested at once with the
/// version it holds (SotW `version_info`, delta `initial_resource_versions`).
struct Sidecar: Sendable {
    let identity: SidecarIdentity
    let mode: ADSMode
    let state: SidecarState
    let watch: SharedWatch
    let parser: ResponseParser
    var reconnect = false

    /// The dependent type each parent type names: clusters name assignments, listeners name routes.
    private static let dependent = [XDSType.cluster: XDSType.endpoint, XDSType.listener: XDSType.route]

    /// The sidecar's own bookkeeping, kept across streams; the benchmark does not read it.
    private struct Local {
        /// The encoded node, sent on the first request of each stream.
        let node: [UInt8]
        var nodeSent = false
        /// SotW: the last version and nonce per type (sent again with a changed subscription).
        var last: [String: (version: String, nonce: String)] = [:]
        /// Delta: per parent type, resource name → the dependent names it carries.
        var parentDeps: [String: [String: [String]]] = [:]
        /// Dependent type → subscribed names, and the names received so far.
        var subscribed: [String: Set<String>] = [:]
        var subscribedSorted: [String: [String]] = [:]
        var received: [String: Set<String>] = [:]
        var acked: Set<String> = []
        var synced = false
        /// Delta with `reconnect`: per type, resource name → the version held (sent again as
        /// `initial_resource_versions` on a new stream).
        var versions: [String: [String: String]] = [:]
        /// The types answered on the current stream.
        var answered: Set<String> = []

        /// The node for the next request: on the first of a stream only.
        mutating func nextNode() -> [UInt8]? {
            defer { nodeSent = true }
            return nodeSent ? nil : node
        }
    }

    /// Runs the stream until it ends or the task is cancelled; with `reconnect`, streams one after
    /// another until the task is cancelled.
    func run(channel: GRPCChannel) async {
        var local = Local(node: identity.encodedNode())
        while !Task.isCancelled {
            var ended = "stream ended by the server"
            do {
                try await channel.withStream(method: mode.method) { stream in
                    local.nodeSent = false
                    local.answered = []
                    state.streamStarted()
                    for request in resumeRequests(local: &local) { try await stream.send(request) }
                    while let message = try await stream.receive() {
                        try await handle(message, stream: stream, local: &local)
                    }
                }
            } catch {
                ended = "\(error)"
            }
            if Task.isCancelled { return }
            guard reconnect else { return state.setError(ended) }
            // Envoy's ADS retry backoff starts at 500 ms with jitter; a shorter one keeps the figure
            // about the server.
            try? await Task.sleep(for: .milliseconds(100 + Int.random(in: 0..<200)))
        }
    }

    /// The requests that open a stream: CDS and LDS wildcard, then (on a resumed stream) EDS and RDS
    /// for the names the sidecar subscribes to, each with what it holds.
    private func resumeRequests(local: inout Local) -> [[UInt8]] {
        var requests: [[UInt8]] = []
        for typeURL in [XDSType.cluster, XDSType.listener] {
            switch mode {
            case .sotw:
                requests.append(RequestEncoder.sotw(typeURL: typeURL, version: local.last[typeURL]?.version ?? "", nonce: "",
                                                    names: [], node: local.nextNode()))
            case .delta:
                requests.append(RequestEncoder.delta(typeURL: typeURL, subscribe: [], unsubscribe: [], nonce: "",
                                                     node: local.nextNode(), initialVersions: local.versions[typeURL] ?? [:]))
            }
        }
        for typeURL in [XDSType.endpoint, XDSType.route] {
            guard let names = local.subscribedSorted[typeURL], !names.isEmpty else { continue }
            switch mode {
            case .sotw:
                requests.append(RequestEncoder.sotw(typeURL: typeURL, version: local.last[typeURL]?.version ?? "", nonce: "",
                                                    names: names, node: nil))
            case .delta:
                requests.append(RequestEncoder.delta(typeURL: typeURL, subscribe: names, unsubscribe: [], nonce: "",
                                                     node: nil, initialVersions: local.versions[typeURL] ?? [:]))
            }
        }
        return requests
    }

    private func handle(_ message: [UInt8], stream: ClientStream, local: inout Local) async throws {
        let response = parser.parse(message, delta: mode == .delta)
        watch.countResponse()
        let type = response.typeURL
        if let dependent = Self.dependent[type] {
            let wanted = dependencies(of: response, local: &local)
            let old = local.subscribed[dependent] ?? []
            if wanted != old {
                local.subscribed[dependent] = wanted
                local.subscribedSorted[dependent] = wanted.sorted()
                state.setSubscribed(wanted, typeURL: dependent)
                try await stream.send(subscription(dependent, wanted: wanted, old: old, local: local))
            }
        } else {
            var received = local.received[type] ?? []
            for resource in response.resources { received.insert(resource.name) }
            for name in response.removed { received.remove(name) }
            local.received[type] = received
        }
        if reconnect && mode == .delta {
            var versions = local.versions[type] ?? [:]
            for resource in response.resources { versions[resource.name] = resource.version }
            for name in response.removed { versions[name] = nil }
            local.versions[type] = versions
        }
        try await stream.send(ack(response, local: local))
        let at = ContinuousClock.now
        local.last[type] = (response.version, response.nonce)
        local.acked.insert(type)
        local.answered.insert(type)

        let watched = watch.names
        let hits: [String] = watched.isEmpty ? [] : response.resources.compactMap { watched.contains($0.name) ? $0.name : nil }
        if !local.synced { local.synced = isSynced(local) }
        state.recordAck(response, at: at, watchedHits: hits, synced: local.synced, resumed: isResumed(local))
    }

    /// Whether the current stream has answered what the server must answer on resumption: SotW
    /// resends the named types (EDS, RDS) but not an unchanged wildcard set; delta answers the
    /// wildcard types at least, and the named ones only for what changed.
    private func isResumed(_ local: Local) -> Bool {
        let wildcard: Set<String> = [XDSType.cluster, XDSType.listener]
        let expected = mode == .sotw ? Set(local.last.keys).subtracting(wildcard) : wildcard
        return expected.isSubset(of: local.answered)
    }

    /// The dependent names a CDS or LDS response leads to (SotW: the response is the whole set;
    /// delta: the response updates the sidecar's view of the parent resources).
    private func dependencies(of response: ParsedResponse, local: inout Local) -> Set<String> {
        switch mode {
        case .sotw:
            return Set(response.resources.lazy.flatMap(\.dependencies))
        case .delta:
            var parents = local.parentDeps[response.typeURL] ?? [:]
            for resource in response.resources { parents[resource.name] = resource.dependencies }
            for name in response.removed { parents[name] = nil }
            local.parentDeps[response.typeURL] = parents
            return Set(parents.values.lazy.flatMap { $0 })
        }
    }

    private func subscription(_ typeURL: String, wanted: Set<String>, old: Set<String>, local: Local) -> [UInt8] {
        switch mode {
        case .sotw:
            let last = local.last[typeURL]
            return RequestEncoder.sotw(typeURL: typeURL, version: last?.version ?? "", nonce: last?.nonce ?? "",
                                       names: local.subscribedSorted[typeURL] ?? [], node: nil)
        case .delta:
            return RequestEncoder.delta(typeURL: typeURL, subscribe: wanted.subtracting(old).sorted(),
                                        unsubscribe: old.subtracting(wanted).sorted(), nonce: "", node: nil, initialVersions: [:])
        }
    }

    private func ack(_ response: ParsedResponse, local: Local) -> [UInt8] {
        switch mode {
        case .sotw:
            let names = local.subscribedSorted[response.typeURL] ?? []
            return RequestEncoder.sotw(typeURL: response.typeURL, version: response.version, nonce: response.nonce,
                                       names: names, node: nil)
        case .delta:
            return RequestEncoder.delta(typeURL: response.typeURL, subscribe: [], unsubscribe: [], nonce: response.nonce, node: nil,
                                        initialVersions: [:])
        }
    }

    /// CDS and LDS ACKed, and every subscribed EDS and RDS name received and ACKed.
    private func isSynced(_ local: Local) -> Bool {
        guard local.acked.contains(XDSType.cluster), local.acked.contains(XDSType.listener) else { return false }
        for (type, names) in local.subscribed where !names.isEmpty {
            guard local.acked.contains(type), names.isSubset(of: local.received[type] ?? []) else { return false }
        }
        return true
    }
}
