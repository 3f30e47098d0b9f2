/// Who a simulated sidecar is: workload `w` of `workloads` in namespace `ns-(w % 10)`, replica `r`,
/// with its own pod IP from 10.200.0.0/16 (10.201… past 62,500 sidecars).
struct SidecarIdentity: Sendable {
    let index: Int
    let workload: Int
    let namespace: String
    let podName: String
    let ip: String

    init(index: Int, workloads: Int) {
        self.index = index
        workload = index % workloads
        let replica = index / workloads
        namespace = "ns-\(workload % 10)"
        podName = "wl-\(workload)-r\(replica)"
        ip = "10.\(200 + index / 62_500).\((index / 250) % 250).\(index % 250 + 1)"
    }

    /// `sidecar~IP~POD.NS~NS.svc.cluster.local`, as Istio's agent names the node.
    var nodeID: String { "sidecar~\(ip)~\(podName).\(namespace)~\(namespace).svc.cluster.local" }

    /// The encoded `envoy.config.core.v3.Node`: id, cluster, user agent, and the metadata the Istio
    /// agent sends (NAME, NAMESPACE, LABELS, INSTANCE_IPS, ISTIO_VERSION, CLUSTER_ID, WORKLOAD_NAME),
    /// plus `AERAKI_CAPABILITIES=inline_l7_routes`: the benchmark's sidecars take Dubbo and Thrift
    /// routes inline in their listeners, so a VirtualService edit is an LDS push, as in the baseline
    /// (they do not subscribe to the `drds`/`trds` route types a default proxy gets).
    func encodedNode() -> [UInt8] {
        let app = "wl-\(workload)"
        let labels = Self.structBytes([("app", .string(app)), ("version", .string("v1"))])
        let metadata = Self.structBytes([
            ("NAME", .string(podName)),
            ("NAMESPACE", .string(namespace)),
            ("LABELS", .structure(labels)),
            ("INSTANCE_IPS", .string(ip)),
            ("ISTIO_VERSION", .string("1.22.0")),
            ("CLUSTER_ID", .string("Kubernetes")),
            ("WORKLOAD_NAME", .string(app)),
            ("AERAKI_CAPABILITIES", .string("inline_l7_routes")),
        ])
        var node = WireWriter()
        node.stringField(1, nodeID)
        node.stringField(2, "\(app).\(namespace)")
        node.bytesField(3, metadata)
        node.stringField(6, "envoy")
        return node.bytes
    }

    private enum Value {
        case string(String)
        case structure([UInt8])
    }

    /// A `google.protobuf.Struct`: map entries (key 1, `Value` 2) in field 1; `Value.string_value`
    /// is field 3, `struct_value` field 5.
    private static func structBytes(_ fields: [(String, Value)]) -> [UInt8] {
        var out = WireWriter()
        for (key, value) in fields {
            var v = WireWriter()
            switch value {
            case .string(let s): v.alwaysStringField(3, s)
            case .structure(let b): v.bytesField(5, b)
            }
            var entry = WireWriter()
            entry.alwaysStringField(1, key)
            entry.bytesField(2, v.bytes)
            out.bytesField(1, entry.bytes)
        }
        return out.bytes
    }
}

/// Encodes the requests a sidecar sends.
enum RequestEncoder {
    /// A SotW `DiscoveryRequest`: version_info 1, node 2, resource_names 3, type_url 4, response_nonce 5.
    static func sotw(typeURL: String, version: String, nonce: String, names: [String], node: [UInt8]?) -> [UInt8] {
        var w = WireWriter(capacity: 128 + names.count * 64 + (node?.count ?? 0))
        w.stringField(1, version)
        if let node { w.bytesField(2, node) }
        for name in names { w.alwaysStringField(3, name) }
        w.stringField(4, typeURL)
        w.stringField(5, nonce)
        return w.bytes
    }

    /// A `DeltaDiscoveryRequest`: node 1, type_url 2, resource_names_subscribe 3,
    /// resource_names_unsubscribe 4, initial_resource_versions 5 (map entries: key 1, value 2),
    /// response_nonce 6.
    static func delta(
        typeURL: String, subscribe: [String], unsubscribe: [String], nonce: String, node: [UInt8]?,
        initialVersions: [String: String]
    ) -> [UInt8] {
        let names = subscribe.count + unsubscribe.count + initialVersions.count
        var w = WireWriter(capacity: 128 + names * 64 + (node?.count ?? 0))
        if let node { w.bytesField(1, node) }
        w.stringField(2, typeURL)
        for name in subscribe { w.alwaysStringField(3, name) }
        for name in unsubscribe { w.alwaysStringField(4, name) }
        for (name, version) in initialVersions.sorted(by: { $0.key < $1.key }) {
            var entry = WireWriter(capacity: name.utf8.count + version.utf8.count + 8)
            entry.alwaysStringField(1, name)
            entry.alwaysStringField(2, version)
            w.bytesField(5, entry.bytes)
        }
        w.stringField(6, nonce)
        return w.bytes
    }
}
