import Foundation
import FuzzHarnesses
import Testing

/// Every committed fuzz input — the seeds and each input that once crashed a target
/// (`Fuzz/Corpus/<target>/crash-*`) — replayed through its harness, so a fixed crash stays fixed.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    @Test("every committed input of every target runs without breaking an invariant", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.contains { $0.hasPrefix("seed-") }, "no seeds for \(target)")
        for name in names {
            target.run(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test("the committed seeds are the ones the harnesses describe", arguments: FuzzTarget.allCases)
    func seedsAreCurrent(target: FuzzTarget) throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        for (name, bytes) in try FuzzSeeds.seeds(for: target) {
            let committed = try Data(contentsOf: folder.appendingPathComponent("seed-" + name))
            #expect(Array(committed) == bytes, "Fuzz/Corpus/\(target.rawValue)/seed-\(name) is stale: run aeraki-fuzz seeds Fuzz/Corpus")
        }
    }
}
