import Synchronization

/// The xDS type URLs the sidecars use, and their short names for the report.
enum XDSType {
    static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    static let endpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    static let route = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    static let all = [cluster, endpoint, listener, route]

    static func shortName(_ typeURL: String) -> String {
        switch typeURL {
        case cluster: "CDS"
        case endpoint: "EDS"
        case listener: "LDS"
        case route: "RDS"
        default: typeURL
        }
    }
}

/// What a simulated sidecar needs from one resource: its name, and the name it makes the sidecar
/// subscribe to in the dependent type (a Cluster of type EDS → its ClusterLoadAssignment; a
/// Listener → the RouteConfigurations its HTTP connection managers name over RDS).
struct ResourceInfo: Sendable {
    var name: String
    var dependencies: [String]
    /// Delta only: `Resource.version`.
    var version = ""
}

/// What a simulated sidecar reads from a `DiscoveryResponse` or a `DeltaDiscoveryResponse`.
struct ParsedResponse: Sendable {
    var typeURL = ""
    var version = ""
    var nonce = ""
    /// The resources, in response order (SotW: named from the resource itself; delta: `Resource.name`).
    var resources: [ResourceInfo] = []
    /// Delta only: `removed_resources`.
    var removed: [String] = []
}

/// Parses responses lightly: top-level fields, resource names, and only the few nested fields that
/// name EDS and RDS dependencies. The per-resource part is memoized by the bytes of the resource
/// region, since replicas of one workload receive identical resources (only the nonce differs).
final class ResponseParser: Sendable {
    private let memo = Mutex<[MemoKey: [ResourceInfo]]>([:])

    private struct MemoKey: Hashable {
        var typeURL: String
        var length: Int
        var hash: Int
    }

    private static let hcmSuffix = Array("HttpConnectionManager".utf8)

    /// Parses a SotW `DiscoveryResponse` (`delta` false) or a `DeltaDiscoveryResponse`.
    func parse(_ bytes: [UInt8], delta: Bool) -> ParsedResponse {
        bytes.withUnsafeBufferPointer { buffer in
            let scanner = WireScanner(buffer: buffer)
            var out = ParsedResponse()
            var resourceRanges: [Range<Int>] = []
            scanner.forEachField(in: 0..<buffer.count) { field, value in
                guard case .bytes(let r) = value else { return }
                switch (field, delta) {
                case (1, _): out.version = scanner.string(r)
                case (2, _): resourceRanges.append(r)
                case (4, _): out.typeURL = scanner.string(r)
                case (5, _): out.nonce = scanner.string(r)
                case (6, true): out.removed.append(scanner.string(r))
                default: break
                }
            }
            guard let first = resourceRanges.first, let last = resourceRanges.last else { return out }
            let region = first.lowerBound..<last.upperBound
            let key = MemoKey(typeURL: out.typeURL, length: region.count,
                              hash: Self.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[region]))))
            if let cached = memo.withLock({ $0[key] }) {
                out.resources = cached
                return out
            }
            out.resources = resourceRanges.map { Self.resource(scanner, $0, typeURL: out.typeURL, delta: delta) }
            memo.withLock { memo in
                if memo.count > 4096 { memo.removeAll() }
                memo[key] = out.resources
            }
            return out
        }
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// One resource: a SotW `Any` or a delta `Resource` (version 1, resource 2, name 3).
    private static func resource(_ s: WireScanner, _ range: Range<Int>, typeURL: String, delta: Bool) -> ResourceInfo {
        var name = ""
        var version = ""
        var body: Range<Int>?
        if delta {
            s.forEachField(in: range) { field, value in
                guard case .bytes(let r) = value else { return }
                if field == 1 { version = s.string(r) }
                if field == 3 { name = s.string(r) }
                if field == 2 { body = anyValue(s, r) }
            }
        } else {
            body = anyValue(s, range)
        }
        guard let body else { return ResourceInfo(name: name, dependencies: [], version: version) }
        var info = ResourceInfo(name: name, dependencies: [], version: version)
        switch typeURL {
        case XDSType.cluster: cluster(s, body, into: &info)
        case XDSType.listener: listener(s, body, into: &info)
        default:
            // ClusterLoadAssignment.cluster_name and RouteConfiguration.name are both field 1.
            if info.name.isEmpty {
                s.forEachField(in: body) { field, value in
                    if field == 1, case .bytes(let r) = value { info.name = s.string(r) }
                }
            }
        }
        return info
    }

    /// The `value` of a `google.protobuf.Any`.
    private static func anyValue(_ s: WireScanner, _ range: Range<Int>) -> Range<Int>? {
        var out: Range<Int>?
        s.forEachField(in: range) { field, value in
            if field == 2, case .bytes(let r) = value { out = r }
        }
        return out
    }

    /// Cluster: name 1, type 2 (EDS = 3), eds_cluster_config 3 → service_name 2.
    private static func cluster(_ s: WireScanner, _ body: Range<Int>, into info: inout ResourceInfo) {
        var name = ""
        var isEDS = false
        var serviceName = ""
        s.forEachField(in: body) { field, value in
            switch (field, value) {
            case (1, .bytes(let r)): name = s.string(r)
            case (2, .varint(let v)): isEDS = v == 3
            case (3, .bytes(let r)):
                s.forEachField(in: r) { f, v in
                    if f == 2, case .bytes(let n) = v { serviceName = s.string(n) }
                }
            default: break
            }
        }
        if info.name.isEmpty { info.name = name }
        if isEDS { info.dependencies = [serviceName.isEmpty ? info.name : serviceName] }
    }

    /// Listener: name 1, filter_chains 3 and default_filter_chain 25 → filters 3 → typed_config 4;
    /// an HttpConnectionManager's rds 3 → route_config_name 2.
    private static func listener(_ s: WireScanner, _ body: Range<Int>, into info: inout ResourceInfo) {
        var name = ""
        var routes: [String] = []
        func filterChain(_ chain: Range<Int>) {
            s.forEachField(in: chain) { field, value in
                guard field == 3, case .bytes(let filter) = value else { return }
                s.forEachField(in: filter) { f, v in
                    guard f == 4, case .bytes(let any) = v else { return }
                    var isHCM = false
                    var hcm: Range<Int>?
                    s.forEachField(in: any) { af, av in
                        guard case .bytes(let r) = av else { return }
                        if af == 1 { isHCM = s.hasSuffix(r, hcmSuffix) }
                        if af == 2 { hcm = r }
                    }
                    guard isHCM, let hcm else { return }
                    s.forEachField(in: hcm) { hf, hv in
                        guard hf == 3, case .bytes(let rds) = hv else { return }
                        s.forEachField(in: rds) { rf, rv in
                            if rf == 2, case .bytes(let n) = rv { routes.append(s.string(n)) }
                        }
                    }
                }
            }
        }
        s.forEachField(in: body) { field, value in
            switch (field, value) {
            case (1, .bytes(let r)): name = s.string(r)
            case (3, .bytes(let r)), (25, .bytes(let r)): filterChain(r)
            default: break
            }
        }
        if info.name.isEmpty { info.name = name }
        info.dependencies = routes
    }
}
