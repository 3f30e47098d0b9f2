import EnvoyAPI
import Foundation
import SwiftProtobuf
import Testing
import XDSCache

@Suite("Prepared resources")
struct PreparedResourceTests {
    static func cluster(_ name: String, eds: Bool = false, timeout: Int64 = 1) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: timeout)
        if eds { cluster.type = .eds }
        return cluster
    }

    @Test("The name, type URL and version come from the message and its bytes")
    func naming() throws {
        let resource = try PreparedResource(Self.cluster("a"))
        #expect(resource.name == "a")
        #expect(resource.typeURL == TypeURL.cluster)
        #expect(resource.version == ContentHash.hex(of: resource.bytes))
        var cla = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        cla.clusterName = "svc"
        #expect(try PreparedResource(cla).name == "svc")
    }

    @Test("One stored encoding: the message and its Any are slices of the delta Resource bytes")
    func oneEncoding() throws {
        let resource = try PreparedResource(Self.cluster("a", eds: true))
        #expect(resource.anyBytes.indices.contains(resource.bytes.startIndex))
        #expect(resource.anyBytes.endIndex == resource.bytes.endIndex)
        #expect(Array(resource.deltaResourceBytes[resource.bytes.indices]) == Array(resource.bytes))
        #expect(resource.deltaResourceBytes.count < 2 * resource.bytes.count + 128)
    }

    @Test("The cached Any decodes back to the same message")
    func anyRoundTrip() throws {
        let resource = try PreparedResource(Self.cluster("a", eds: true))
        let any = try Google_Protobuf_Any(serializedBytes: Array(resource.anyBytes))
        #expect(any.typeURL == TypeURL.cluster)
        #expect(try Envoy_Config_Cluster_V3_Cluster(unpackingAny: any) == Self.cluster("a", eds: true))
        let wrapped = try Envoy_Service_Discovery_V3_Resource(serializedBytes: resource.deltaResourceBytes)
        #expect(wrapped.name == "a" && wrapped.version == resource.version && wrapped.resource == any)
    }

    @Test("An EDS cluster names its assignment; a static one does not")
    func edsServiceName() throws {
        #expect(try PreparedResource(Self.cluster("a", eds: true)).edsServiceName == "a")
        #expect(try PreparedResource(Self.cluster("b")).edsServiceName == nil)
        var cluster = Self.cluster("c", eds: true)
        cluster.edsClusterConfig.serviceName = "svc"
        #expect(try PreparedResource(cluster).edsServiceName == "svc")
    }

    @Test("Dubbo drds and Thrift trds route resources are named by their name field, under their own type URLs")
    func filterRouteNames() throws {
        var dubbo = Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration()
        dubbo.name = "10.0.0.1_20880"
        var thrift = Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration()
        thrift.name = "outbound|9090||hello"
        let dubboResource = try PreparedResource(dubbo)
        let thriftResource = try PreparedResource(thrift)
        #expect(dubboResource.name == "10.0.0.1_20880")
        #expect(dubboResource.typeURL == "type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.MultipleRouteConfiguration")
        #expect(thriftResource.name == "outbound|9090||hello")
        #expect(thriftResource.typeURL == "type.googleapis.com/envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration")
    }

    @Test("Preparing serializes exactly once; sets, responses and slices reuse that encoding")
    func serializationCount() throws {
        let (resource, serializations) = try SerializationCounter.counting {
            let resource = try PreparedResource(Self.cluster("counted"))
            _ = Snapshot(resources: [resource])
            _ = Snapshot(resources: [resource])
            _ = (resource.bytes, resource.anyBytes, resource.deltaResourceBytes, resource.version)
            return resource
        }
        #expect(serializations == 1)
        let (_, none) = try SerializationCounter.counting { try PreparedResource(Self.cluster("other")) }
        #expect(none == 1, "each counting scope sees only its own serializations")
        #expect(resource.name == "counted")
    }

    @Test("A set's version depends on names and versions only")
    func setVersion() throws {
        let a = try PreparedResource(Self.cluster("a"))
        let b = try PreparedResource(Self.cluster("b"))
        #expect(TypeResources([a, b]).version == TypeResources([b, a]).version)
        #expect(TypeResources([a]).version != TypeResources([a, b]).version)
        let a2 = try PreparedResource(Self.cluster("a", timeout: 2))
        #expect(TypeResources([a2, b]).version != TypeResources([a, b]).version)
    }
}
