import AerakiServer
import Generator
import Mesh
import Synchronization
import Testing
import XDSCache

@Suite("Several sources and a reloadable mesh config")
struct ComposedSourcesTests {
    @Test("with two sources, ready only after both loaded and the later store version is applied")
    func twoSources() {
        let readiness = Readiness(expectedSources: 2)
        readiness.sourceLoaded(storeVersion: 2)
        readiness.configApplied(storeVersion: 2)
        #expect(!readiness.isReady, "one source still loading")
        readiness.sourceLoaded(storeVersion: 5)
        #expect(!readiness.isReady)
        readiness.configApplied(storeVersion: 5)
        #expect(readiness.isReady)
    }

    @Test("a mesh config change makes a new generator from the new options, primed with the current index")
    func reconfigure() {
        let made = Mutex<[GeneratorOptions]>([])
        let generator = MeshConfiguredGenerator(options: .defaults) { options in
            made.withLock { $0.append(options) }
            return ClosureSnapshotGenerator { _, _ in Snapshot(types: [:]) }
        }
        #expect(!generator.reconfigure(.defaults), "same options: nothing to do")
        generator.update(index: MeshIndex(snapshot: ConfigSnapshot(version: 1, resources: [:])), changes: nil, endpointsOnly: false)
        var mesh = MeshConfig()
        mesh.outboundTrafficPolicy = .registryOnly
        mesh.accessLogFile = "/dev/stdout"
        #expect(generator.reconfigure(GeneratorOptions(meshConfig: mesh)))
        #expect(made.withLock { $0.count } == 2)
        #expect(generator.options.outboundTrafficPolicy == .registryOnly)
        #expect(generator.options.accessLog?.path == "/dev/stdout")
        let snapshots = generator.generated(for: [try! ProxyNode.identity(id: "sidecar~10.0.0.1~a.demo~demo.svc.cluster.local", metadata: [:])])
        #expect((try? snapshots[0].get()) != nil, "the new generator has the index")
    }
}
