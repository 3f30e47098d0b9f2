internal import EnvoyAPI
internal import Foundation
internal import MeshAPI
internal import SwiftProtobuf
internal import XDSCache

/// Seed inputs for the corpora in `Fuzz/Corpus/<target>/` (written by `aeraki-fuzz seeds DIR`):
/// well-formed conversations, so the fuzzer starts from the paths real clients take.
package enum FuzzSeeds {
    /// The seeds of `target`, by file name.
    package static func seeds(for target: FuzzTarget) throws -> [String: [UInt8]] {
        switch target {
        case .sotw: try sotw()
        case .delta: try delta()
        case .mcp: try mcp()
        case .mesh: mesh()
        case .staticResources: staticResources()
        }
    }

    private enum Operation: UInt8 { case message = 0, snapshot = 1, drain = 2, status = 3 }

    private static func node() -> Envoy_Config_Core_V3_Node {
        var node = Envoy_Config_Core_V3_Node()
        node.id = "sidecar~10.0.0.1~fuzz.demo~demo.svc.cluster.local"
        return node
    }

    private static func sotw() throws -> [String: [UInt8]] {
        func request(_ typeURL: String, names: [String] = [], version: String = "", nonce: String = "", nack: Bool = false)
            throws -> [UInt8]
        {
            var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
            if typeURL == TypeURL.cluster, nonce.isEmpty { request.node = node() }
            request.typeURL = typeURL
            request.resourceNames = names
            request.versionInfo = version
            request.responseNonce = nonce
            if nack { request.errorDetail.message = "rejected" }
            return try request.serializedBytes()
        }
        var envoy = FuzzInputWriter()
        for (operation, message) in [
            (Operation.message, try request(TypeURL.cluster)), (.snapshot, [1]), (.drain, []),
            (.message, try request(TypeURL.cluster, nonce: "1")), (.message, try request(TypeURL.endpoint, names: ["a", "b"])),
            (.message, try request(TypeURL.listener)), (.drain, []), (.message, try request(TypeURL.route, names: ["r"])),
            (.snapshot, [2]), (.drain, []), (.message, try request(TypeURL.cluster, nonce: "5", nack: true)), (.status, []),
            (.snapshot, [0]), (.drain, []),
        ] as [(Operation, [UInt8])] {
            envoy.byte(operation.rawValue)
            if operation == .message { envoy.chunk(message) } else { message.forEach { envoy.byte($0) } }
        }
        var perType = FuzzInputWriter()
        perType.byte(Operation.snapshot.rawValue)
        perType.byte(1)
        perType.byte(Operation.message.rawValue)
        perType.chunk(try request("", names: ["a"]))
        perType.byte(1)
        perType.byte(Operation.drain.rawValue)
        return ["envoy-ads": envoy.bytes, "per-type": perType.bytes]
    }

    private static func delta() throws -> [String: [UInt8]] {
        func request(_ typeURL: String, subscribe: [String] = [], unsubscribe: [String] = [], nonce: String = "",
                     initial: [String: String] = [:]) throws -> [UInt8]
        {
            var request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
            if nonce.isEmpty, typeURL == TypeURL.cluster { request.node = node() }
            request.typeURL = typeURL
            request.resourceNamesSubscribe = subscribe
            request.resourceNamesUnsubscribe = unsubscribe
            request.responseNonce = nonce
            request.initialResourceVersions = initial
            return try request.serializedBytes()
        }
        var writer = FuzzInputWriter()
        for (isMessage, bytes) in [
            (true, try request(TypeURL.cluster, subscribe: ["*"])), (false, [Operation.snapshot.rawValue, 1]),
            (false, [Operation.drain.rawValue]), (true, try request(TypeURL.endpoint, subscribe: ["a", "b"])),
            (true, try request(TypeURL.cluster, nonce: "1")), (false, [Operation.drain.rawValue]),
            (true, try request(TypeURL.endpoint, unsubscribe: ["b"])), (false, [Operation.snapshot.rawValue, 2]),
            (false, [Operation.drain.rawValue]), (true, try request(TypeURL.listener, initial: ["l": "stale"])),
            (false, [Operation.status.rawValue, Operation.drain.rawValue]),
        ] as [(Bool, [UInt8])] {
            if isMessage {
                writer.byte(Operation.message.rawValue)
                writer.chunk(bytes)
            } else {
                bytes.forEach { writer.byte($0) }
            }
        }
        return ["envoy-delta": writer.bytes]
    }

    private static func mcp() throws -> [String: [UInt8]] {
        func item(_ name: String, version: String) throws -> Google_Protobuf_Any {
            var entry = Istio_Networking_V1alpha3_ServiceEntry()
            entry.hosts = ["\(name).example.com"]
            entry.ports = [Istio_Networking_V1alpha3_ServicePort.with { $0.number = 20880; $0.name = "tcp-dubbo" }]
            var resource = Istio_Mcp_V1alpha1_Resource()
            resource.metadata.name = "demo/\(name)"
            resource.metadata.version = version
            resource.body = try Google_Protobuf_Any(message: entry)
            return try Google_Protobuf_Any(message: resource)
        }
        var sotw = Envoy_Service_Discovery_V3_DiscoveryResponse()
        sotw.typeURL = "networking.istio.io/v1alpha3/ServiceEntry"
        sotw.versionInfo = "1"
        sotw.nonce = "n1"
        sotw.resources = [try item("a", version: "1"), try item("b", version: "1")]
        var delta = Envoy_Service_Discovery_V3_DeltaDiscoveryResponse()
        delta.typeURL = "networking.istio.io/v1/ServiceEntry"
        delta.nonce = "n2"
        delta.resources = [Envoy_Service_Discovery_V3_Resource.with {
            $0.name = "demo/c"
            $0.version = "2"
            $0.resource = (try? item("c", version: "2")) ?? Google_Protobuf_Any()
        }]
        delta.removedResources = ["demo/a"]
        var writer = FuzzInputWriter()
        writer.byte(0)
        writer.chunk(try sotw.serializedBytes())
        writer.byte(1)
        writer.chunk(try delta.serializedBytes())
        writer.byte(3)
        writer.byte(2)
        writer.byte(0)
        writer.chunk(try sotw.serializedBytes())
        writer.byte(3)
        return ["istiod": writer.bytes]
    }

    private static func mesh() -> [String: [UInt8]] {
        let dubbo = """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata: {name: provider, namespace: demo, annotations: {interface: org.apache.dubbo.Demo}}
            spec:
              hosts: [org.apache.dubbo.demo]
              addresses: [240.240.0.10]
              ports: [{number: 20880, name: tcp-dubbo, protocol: TCP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.2, labels: {version: v1}}, {address: 10.0.0.3, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: DestinationRule
            metadata: {name: provider, namespace: demo}
            spec: {host: org.apache.dubbo.demo, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: provider, namespace: demo}
            spec:
              hosts: [org.apache.dubbo.demo]
              http:
              - match: [{headers: {user: {exact: tester}}}]
                route: [{destination: {host: org.apache.dubbo.demo, subset: v2}}]
              - route: [{destination: {host: org.apache.dubbo.demo, subset: v1}, weight: 90}, {destination: {host: org.apache.dubbo.demo, subset: v2}, weight: 10}]

            """
        let json = #"{"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"name": "t", "namespace": "demo"}, "spec": {"hosts": ["t.demo.svc.cluster.local"], "ports": [{"number": 9090, "name": "tcp-thrift"}], "resolution": "DNS"}}"#
        return ["dubbo.yaml": Array(dubbo.utf8), "thrift.json": Array(json.utf8)]
    }

    private static func staticResources() -> [String: [UInt8]] {
        let yaml = """
            resources:
            - '@type': type.googleapis.com/envoy.config.cluster.v3.Cluster
              name: a
              connect_timeout: 1s
              type: EDS
              eds_cluster_config: {eds_config: {ads: {}}}
            - '@type': type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment
              cluster_name: a
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]

            """
        let json = #"[{"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "l", "address": {"socket_address": {"address": "0.0.0.0", "port_value": 9000}}, "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", "stat_prefix": "l", "rds": {"route_config_name": "r", "config_source": {"ads": {}}}, "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}]"#
        return ["resources.yaml": [0] + Array(yaml.utf8), "listener.json": [1] + Array(json.utf8)]
    }
}
