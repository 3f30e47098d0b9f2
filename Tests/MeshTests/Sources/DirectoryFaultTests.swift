import Foundation
import Mesh
import MeshAPI
import Testing

/// The directory source under the ways files really change and break: Kubernetes ConfigMap mounts
/// swapped atomically, half-written files, files that are not YAML, symlink loops.
@Suite("YAML directory source: faults")
struct DirectoryFaultTests {
    static func port(_ resources: [MeshResource], _ name: String) -> UInt32? {
        guard case .serviceEntry(let se)? = resources.first(where: { $0.key.name == name })?.spec else { return nil }
        return se.ports.first?.number
    }

    /// Scans again; whether anything changed (a mutating call cannot sit inside `#expect`).
    static func rescan(_ scanner: inout DirectoryScanner) -> Bool { scanner.scan() }

    static func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("a ConfigMap mount swapped atomically (..data symlink) is read once, as the new version")
    func configMapSwap() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        func version(_ name: String, port: Int) throws {
            let folder = directory.appendingPathComponent(name)
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.write(DirectorySourceTests.entry("svc", port: port), to: folder.appendingPathComponent("svc.yaml"))
        }
        try version("..2026_12_01_v1", port: 1)
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("..data").path, withDestinationPath: "..2026_12_01_v1")
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("svc.yaml").path, withDestinationPath: "..data/svc.yaml")
        var scanner = DirectoryScanner(paths: [directory.path], parser: MeshYAMLParser())
        #expect(Self.rescan(&scanner))
        #expect(Self.port(scanner.collect().resources, "svc") == 1)
        #expect(scanner.collect().resources.count == 1, "the hidden timestamped folders are not read a second time")

        // What the kubelet does: write the new folder, point a temporary link at it, rename it over ..data.
        try version("..2026_12_01_v2", port: 2)
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("..data_tmp").path, withDestinationPath: "..2026_12_01_v2")
        #expect(rename(directory.appendingPathComponent("..data_tmp").path, directory.appendingPathComponent("..data").path) == 0)
        try manager.removeItem(at: directory.appendingPathComponent("..2026_12_01_v1"))
        #expect(Self.rescan(&scanner))
        #expect(Self.port(scanner.collect().resources, "svc") == 2)
        #expect(scanner.collect().errors.isEmpty)
        #expect(!Self.rescan(&scanner), "nothing changed since")
    }

    @Test("a half-written file and a file that is not YAML keep their last good resources, with the error named")
    func brokenFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("svc.yaml")
        let full = DirectorySourceTests.entry("svc", port: 7)
        try Self.write(full, to: file)
        var scanner = DirectoryScanner(paths: [directory.path], parser: MeshYAMLParser())
        _ = scanner.scan()

        try Self.write(String(full.prefix(full.count / 2)) + "[", to: file)
        #expect(Self.rescan(&scanner))
        #expect(Self.port(scanner.collect().resources, "svc") == 7)
        #expect(scanner.collect().errors.first?.source.hasPrefix(file.path) == true)

        try Data([0xff, 0xfe, 0x00, 0x9c, 0x01]).write(to: file)
        #expect(Self.rescan(&scanner))
        #expect(Self.port(scanner.collect().resources, "svc") == 7)
        #expect(scanner.collect().errors.map(\.reason) == ["cannot read the file as UTF-8"])

        try Self.write("just some words, not a mapping", to: file)
        #expect(Self.rescan(&scanner))
        #expect(Self.port(scanner.collect().resources, "svc") == 7)
        #expect(scanner.collect().errors.first?.reason == "a document must be a mapping")
    }

    @Test("a symlink loop is reported by name and does not stop the scan; a looping directory is not followed")
    func symlinkLoops() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        try Self.write(DirectorySourceTests.entry("good", port: 1), to: directory.appendingPathComponent("good.yaml"))
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("a.yaml").path, withDestinationPath: "b.yaml")
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("b.yaml").path, withDestinationPath: "a.yaml")
        let nested = directory.appendingPathComponent("nested")
        try manager.createDirectory(at: nested, withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: nested.appendingPathComponent("up").path, withDestinationPath: "..")

        var scanner = DirectoryScanner(paths: [directory.path], parser: MeshYAMLParser())
        #expect(Self.rescan(&scanner))
        let (resources, errors, _) = scanner.collect()
        #expect(resources.map(\.key.name) == ["good"])
        #expect(errors.map { ($0.source as NSString).lastPathComponent } == ["a.yaml", "b.yaml"])
        #expect(errors.allSatisfy { $0.reason.hasPrefix("cannot read the file: ") }, "\(errors.map(\.reason))")
        #expect(!Self.rescan(&scanner), "an unchanged loop is not a change")
    }
}
