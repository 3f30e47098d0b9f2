import EnvoyAPI
import SwiftProtobuf
import Testing
import XDSCache

@Suite("Set diffs")
struct TypeResourcesDiffTests {
    static func cluster(_ name: String, _ seconds: Int64 = 1) -> PreparedResource {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: seconds)
        return try! PreparedResource(cluster)
    }

    @Test("A diff lists added, changed (by content) and removed resources")
    func diff() {
        let old = TypeResources([Self.cluster("a"), Self.cluster("b"), Self.cluster("c")])
        let new = TypeResources([Self.cluster("a"), Self.cluster("b", 2), Self.cluster("d")])
        let diff = new.diff(from: old)
        #expect(diff.added.map(\.name) == ["d"])
        #expect(diff.changed.map(\.name) == ["b"])
        #expect(diff.removed == ["c"])
        #expect(new.diff(from: new).isEmpty)
        #expect(TypeResources([Self.cluster("a")]).diff(from: TypeResources([Self.cluster("a")])).isEmpty)
    }

    @Test("Every set value has its own id; copies share it")
    func ids() {
        let a = TypeResources([Self.cluster("a")])
        let copy = a
        #expect(copy.id == a.id)
        #expect(TypeResources([Self.cluster("a")]).id != a.id)
        #expect(a.sorted.map(\.name) == a.sortedNames)
    }
}
